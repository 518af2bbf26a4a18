#include "link/sshchannel.h"

#include <QDir>
#include <QMetaObject>
#include <QPointer>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace hafront::link {
namespace {

QString sshError(ssh_session session)
{
    return QString::fromUtf8(ssh_get_error(session));
}

// "SHA256:base64" as OpenSSH prints it, or empty.
QString fingerprintOf(ssh_session session)
{
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK)
        return {};
    unsigned char *hash = nullptr;
    size_t length = 0;
    QString out;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0) {
        char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
        out = QString::fromUtf8(text);
        ssh_string_free_char(text);
        ssh_clean_pubkey_hash(&hash);
    }
    ssh_key_free(key);
    return out;
}

std::string shellQuote(const QString &s)
{
    std::string out = "'";
    for (char c : s.toStdString())
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct Session {
    ssh_session session = ssh_new();
    ssh_channel channel = nullptr;

    ~Session()
    {
        if (channel) {
            if (ssh_channel_is_open(channel))
                ssh_channel_close(channel);
            ssh_channel_free(channel);
        }
        if (ssh_is_connected(session))
            ssh_disconnect(session);
        ssh_free(session);
    }
};

struct PassphraseContext {
    const SshChannel::Options *options;
    const std::atomic<bool> *cancelled;
};

int askPassphrase(const char *prompt, char *buf, size_t len, int echo, int verify, void *userdata)
{
    const auto *context = static_cast<const PassphraseContext *>(userdata);
    const auto *options = context->options;
    if (options->askPassphrase) {
        QString answer;
        if (!options->askPassphrase(QString::fromUtf8(prompt), &answer, *context->cancelled))
            return -1;
        const QByteArray bytes = answer.toUtf8();
        if (static_cast<size_t>(bytes.size()) + 1 > len)
            return -1;
        std::memcpy(buf, bytes.constData(), static_cast<size_t>(bytes.size()) + 1);
        return 0;
    }
    if (!isatty(STDIN_FILENO))
        return -1;
    return ssh_getpass(prompt, buf, len, echo, verify);
}

} // namespace

SshChannel::SshChannel(Options options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

SshChannel::~SshChannel()
{
    m_stop = true;
    wake();
    if (m_thread.joinable())
        m_thread.join();
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

QString SshChannel::label() const
{
    const auto &t = m_options.target;
    return QStringLiteral("%1%2:%3")
        .arg(t.user.empty() ? QString() : QString::fromStdString(t.user) + QLatin1Char('@'),
             QString::fromStdString(t.host))
        .arg(t.port);
}

void SshChannel::open()
{
    if (m_thread.joinable())
        return;
    m_thread = std::thread([this] { run(); });
}

void SshChannel::write(const QByteArray &bytes)
{
    {
        std::lock_guard lock(m_mutex);
        m_outbox.push_back(bytes);
    }
    wake();
}

void SshChannel::wake()
{
    if (m_wakeFd >= 0) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

void SshChannel::post(std::function<void()> fn)
{
    // Queued to this object's thread; dropped if the object is gone by then.
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void SshChannel::run()
{
    const QString where = label();
    auto fail = [this](const QString &why) { post([this, why] { emit lost(why); }); };

    Session s;
    const auto &t = m_options.target;
    const QString sshDir = m_options.sshDir.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh") : m_options.sshDir;
    const std::string dir = sshDir.toStdString();
    const std::string knownHosts = dir + "/known_hosts";
    const unsigned port = t.port;
    const long timeoutSec = std::max(1, (m_options.connectTimeoutMs + 999) / 1000);
    ssh_options_set(s.session, SSH_OPTIONS_HOST, t.host.c_str());
    ssh_options_set(s.session, SSH_OPTIONS_PORT, &port);
    if (!t.user.empty())
        ssh_options_set(s.session, SSH_OPTIONS_USER, t.user.c_str());
    ssh_options_set(s.session, SSH_OPTIONS_SSH_DIR, dir.c_str());
    ssh_options_set(s.session, SSH_OPTIONS_KNOWNHOSTS, knownHosts.c_str());
    ssh_options_set(s.session, SSH_OPTIONS_TIMEOUT, &timeoutSec);

    PassphraseContext passphrase{&m_options, &m_stop};
    ssh_callbacks_struct callbacks{};
    callbacks.userdata = &passphrase;
    callbacks.auth_function = askPassphrase;
    ssh_callbacks_init(&callbacks);
    ssh_set_callbacks(s.session, &callbacks);

    if (ssh_connect(s.session) != SSH_OK)
        return fail(tr("cannot connect to %1: %2").arg(where, sshError(s.session)));
    if (m_stop)
        return;

    // Host key: known → on; unknown → only when the operator accepted it;
    // changed → never.
    const QString fingerprint = fingerprintOf(s.session);
    const QString host = QString::fromStdString(t.host);
    const QString knownName = t.port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(t.port);
    switch (ssh_session_is_known_server(s.session)) {
    case SSH_KNOWN_HOSTS_OK:
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        post([this, host, fingerprint] { emit hostKeyChanged(host, fingerprint); });
        return fail(tr("REFUSED: the host key of %1 has CHANGED since it was recorded in %2; it is now %3. "
                       "Someone may be intercepting the connection, or the host was reinstalled. If the change "
                       "is expected, remove the old key (ssh-keygen -R '%4') and connect again.")
                        .arg(where, QString::fromStdString(knownHosts), fingerprint, knownName));
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        if (!m_options.acceptNewHostKey) {
            post([this, host, fingerprint] { emit hostKeyUnknown(host, fingerprint); });
            return fail(tr("the host key of %1 is not known (%2); accept it with --accept-new-host-key "
                           "or in the console, after checking it on the host with ssh-keygen -lf")
                            .arg(where, fingerprint));
        }
        if (ssh_session_update_known_hosts(s.session) != SSH_OK)
            return fail(tr("cannot record the host key of %1 in %2: %3")
                            .arg(where, QString::fromStdString(knownHosts), sshError(s.session)));
        break;
    case SSH_KNOWN_HOSTS_ERROR:
        return fail(tr("cannot check the host key of %1: %2").arg(where, sshError(s.session)));
    }

    // Authentication: ssh-agent first, then the identity files.
    int rc = ssh_userauth_none(s.session, nullptr);
    if (rc != SSH_AUTH_SUCCESS && qEnvironmentVariableIsSet("SSH_AUTH_SOCK"))
        rc = ssh_userauth_agent(s.session, nullptr);
    if (rc != SSH_AUTH_SUCCESS && !m_stop)
        rc = ssh_userauth_publickey_auto(s.session, nullptr, nullptr);
    if (m_stop)
        return;
    if (rc != SSH_AUTH_SUCCESS)
        return fail(tr("authentication to %1 failed: tried ssh-agent and the keys in %2 (%3)")
                        .arg(where, sshDir, sshError(s.session)));

    // The channel: streamlocal straight to the socket, else exec dial-stdio.
    const std::string remote = m_options.remoteSocket.toStdString();
    s.channel = ssh_channel_new(s.session);
    QString via = QStringLiteral("streamlocal");
    if (ssh_channel_open_forward_unix(s.channel, remote.c_str(), "127.0.0.1", 0) != SSH_OK) {
        const QString refused = sshError(s.session);
        ssh_channel_free(s.channel);
        s.channel = ssh_channel_new(s.session);
        const std::string command = "hafrontctl --socket " + shellQuote(m_options.remoteSocket) + " dial-stdio";
        if (ssh_channel_open_session(s.channel) != SSH_OK ||
            ssh_channel_request_exec(s.channel, command.c_str()) != SSH_OK)
            return fail(tr("cannot reach %1 on %2: streamlocal forwarding failed (%3), and so did running "
                           "hafrontctl dial-stdio (%4)")
                            .arg(m_options.remoteSocket, where, refused, sshError(s.session)));
        via = QStringLiteral("exec");
    }
    post([this, via] {
        m_via = via;
        emit opened(via);
    });

    // Pump: outbox → channel, channel → bytesReceived, until stopped or lost.
    QByteArray stderrText;
    char buf[65536];
    auto lastSent = std::chrono::steady_clock::now();
    const int sshFd = ssh_get_fd(s.session);
    while (!m_stop) {
        std::deque<QByteArray> out;
        {
            std::lock_guard lock(m_mutex);
            out.swap(m_outbox);
        }
        for (const auto &bytes : out) {
            if (ssh_channel_write(s.channel, bytes.constData(), static_cast<uint32_t>(bytes.size())) == SSH_ERROR)
                return fail(tr("writing to %1 failed: %2").arg(where, sshError(s.session)));
            lastSent = std::chrono::steady_clock::now();
        }
        const int n = ssh_channel_read_nonblocking(s.channel, buf, sizeof buf, 0);
        if (n == SSH_ERROR)
            return fail(tr("the SSH connection to %1 failed: %2").arg(where, sshError(s.session)));
        if (n > 0) {
            post([this, bytes = QByteArray(buf, n)] { emit bytesReceived(bytes); });
            continue;
        }
        const int e = ssh_channel_read_nonblocking(s.channel, buf, sizeof buf, 1);
        if (e > 0 && stderrText.size() < 4096)
            stderrText.append(buf, e);
        if (e > 0)
            continue;
        // Reading stderr may have pulled stdout data off the socket: it is in
        // the channel now, and the socket will not wake us for it.
        if (ssh_channel_poll(s.channel, 0) > 0)
            continue;
        if (ssh_channel_is_eof(s.channel) || !ssh_channel_is_open(s.channel)) {
            const QString said = QString::fromUtf8(stderrText).trimmed();
            return fail(said.isEmpty() ? tr("the agent on %1 closed the connection").arg(where)
                                       : tr("the agent on %1 closed the connection: %2").arg(where, said));
        }
        const auto idle = std::chrono::steady_clock::now() - lastSent;
        if (idle >= std::chrono::milliseconds(m_options.keepaliveMs)) {
            if (ssh_send_ignore(s.session, "keepalive") != SSH_OK)
                return fail(tr("the SSH connection to %1 failed: %2").arg(where, sshError(s.session)));
            lastSent = std::chrono::steady_clock::now();
        }
        // libssh queues what it sends on its own (window adjusts as we read)
        // until its poll sees the socket writable; we poll ourselves, so flush.
        if (ssh_blocking_flush(s.session, m_options.connectTimeoutMs) == SSH_ERROR)
            return fail(tr("the SSH connection to %1 failed: %2").arg(where, sshError(s.session)));
        pollfd fds[2] = {{sshFd, POLLIN, 0}, {m_wakeFd, POLLIN, 0}};
        ::poll(fds, 2, m_options.keepaliveMs);
        if (fds[1].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] const ssize_t r = ::read(m_wakeFd, &count, sizeof count);
        }
    }
}

} // namespace hafront::link
