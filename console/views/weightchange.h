// WeightChange: one weight change on the undo stack; redo sends the new weight
// to every node running the pool, undo sends the old one back.
#pragma once

#include "model/clustersession.h"

#include <QUndoCommand>

namespace hafront::views {

class WeightChange : public QUndoCommand {
public:
    using Report = std::function<void(const QString &what, const model::FanoutResult &result)>;

    WeightChange(model::ClusterSession *session, QString pool, QString backend, uint32_t from, uint32_t to,
                 Report report);

    void redo() override;
    void undo() override;

private:
    void apply(uint32_t weight);

    model::ClusterSession *m_session;
    QString m_pool;
    QString m_backend;
    uint32_t m_from;
    uint32_t m_to;
    Report m_report;
};

} // namespace hafront::views
