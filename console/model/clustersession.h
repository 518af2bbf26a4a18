// ClusterSession: connects to every node of a cluster with one AgentLink each,
// feeds ClusterModel, and fans commands out to nodes (link::fanOut) with a
// per-node result ("applied on k/n nodes", or each node's reason).
#pragma once

#include "link/agentlink.h"
#include "model/clustermodel.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace hafront::model {

struct FanoutResult {
    int applied = 0;
    int total = 0;
    QStringList failures; // "fe2: refused: backend 'b9' is not in pool 'app'"

    bool ok() const { return applied == total && total > 0; }
    QString summary() const; // "applied on 2/2 nodes" (+ failures, one a line)
};

class ClusterSession : public QObject {
    Q_OBJECT
public:
    explicit ClusterSession(ClusterModel *model, QObject *parent = nullptr);
    ~ClusterSession() override;

    // Loads and validates FILE; on success lays out the model and connects.
    // Returns the loader's FILE:LINE:COL reason on failure.
    QString open(const QString &file);
    void start(const v1::Cluster &cluster);
    void stop();
    QString file() const { return m_file; }

    ClusterModel *model() const { return m_model; }
    link::AgentLink *link(const QString &node) const;

    // NODES report every `periodMs` (0: the cluster's status period) until told otherwise.
    void setStatusPeriod(const QStringList &nodes, uint32_t periodMs);

    using Done = std::function<void(const FanoutResult &)>;
    void send(const QStringList &nodes, const v1::Command &command, Done done);

    // The operator accepted NODE's unknown SSH host key: record it, connect.
    void acceptHostKey(const QString &node);
    // Asked on an SSH thread for an identity file's passphrase (false: skip
    // that key). Applies to links started after it is set.
    using PassphraseAsker = std::function<bool(const QString &node, const QString &prompt, QString *answer,
                                               const std::atomic<bool> &cancelled)>;
    void setPassphraseAsker(PassphraseAsker asker) { m_askPassphrase = std::move(asker); }

signals:
    void hostKeyUnknown(const QString &node, const QString &host, const QString &sha256Fingerprint);
    void hostKeyChanged(const QString &node, const QString &host, const QString &sha256Fingerprint);

private:
    void refreshLink(link::AgentLink *link);

    ClusterModel *m_model;
    QString m_file;
    std::vector<std::unique_ptr<link::AgentLink>> m_links;
    QTimer m_countdown; // "reconnecting in N s" ticks down
    PassphraseAsker m_askPassphrase;
};

v1::Command setWeightCommand(const QString &pool, const QString &backend, uint32_t weight);
v1::Command setBackendStateCommand(const QString &pool, const QString &backend, v1::BackendState state);
v1::Command vipForceMasterCommand(const QString &vip);
v1::Command vipMaintenanceCommand(const QString &vip, bool on);
v1::Command vipReleaseCommand(const QString &vip);

} // namespace hafront::model
