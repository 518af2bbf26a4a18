// Session-ticket keys that every node derives alike from one shared secret
// and the rotation period: HKDF-SHA256 over the secret with the period
// number, so a client that connected to fe1 resumes on fe2 after a VIP move,
// with no traffic between the nodes. New tickets use the current period's
// key; the previous period's is still accepted (and the ticket renewed).
// Time is passed in.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace hafront::tls {

struct TicketKey {
    int64_t period = 0;
    std::array<uint8_t, 16> name{}; // sent in the ticket: tells the period's key apart
    std::array<uint8_t, 32> aes{};  // AES-256-CBC
    std::array<uint8_t, 32> hmac{}; // HMAC-SHA256
};

int64_t ticketPeriod(int64_t unixSeconds, uint32_t rotationSeconds);
TicketKey deriveTicketKey(std::string_view secret, int64_t period);

// The keys of the current and the previous period, derived once per period; thread-safe.
class TicketKeyRing {
public:
    TicketKeyRing(std::string secret, uint32_t rotationSeconds);
    TicketKey encryptionKey(int64_t unixSeconds);
    // The key a ticket named `name` was made with, if still accepted; `renew`
    // when it is the previous period's.
    bool decryptionKey(const uint8_t *name, int64_t unixSeconds, TicketKey &key, bool &renew);

private:
    void refresh(int64_t unixSeconds); // under m_mutex

    std::string m_secret;
    uint32_t m_rotation;
    std::mutex m_mutex;
    TicketKey m_current, m_previous;
    bool m_ready = false;
};

} // namespace hafront::tls
