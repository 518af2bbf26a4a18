#include "tls/ticketkeys.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstring>
#include <stdexcept>

namespace hafront::tls {

int64_t ticketPeriod(int64_t unixSeconds, uint32_t rotationSeconds)
{
    const int64_t r = rotationSeconds ? rotationSeconds : 43200;
    return unixSeconds >= 0 ? unixSeconds / r : (unixSeconds - r + 1) / r;
}

TicketKey deriveTicketKey(std::string_view secret, int64_t period)
{
    TicketKey key;
    key.period = period;
    uint8_t info[8 + 24] = {};
    for (int i = 0; i < 8; ++i)
        info[i] = uint8_t(uint64_t(period) >> (56 - 8 * i));
    std::memcpy(info + 8, "hafront session tickets", 23);
    uint8_t out[16 + 32 + 32];
    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
    char digest[] = "SHA256";
    char salt[] = "hafront ticket key v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char *>(secret.data()), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof salt - 1),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof info - 1), OSSL_PARAM_construct_end()};
    const bool ok = ctx && EVP_KDF_derive(ctx, out, sizeof out, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    if (!ok)
        throw std::runtime_error("HKDF-SHA256 is not available in this OpenSSL"); // a broken install, at start
    std::memcpy(key.name.data(), out, 16);
    std::memcpy(key.aes.data(), out + 16, 32);
    std::memcpy(key.hmac.data(), out + 48, 32);
    return key;
}

TicketKeyRing::TicketKeyRing(std::string secret, uint32_t rotationSeconds)
    : m_secret(std::move(secret)), m_rotation(rotationSeconds ? rotationSeconds : 43200)
{
}

void TicketKeyRing::refresh(int64_t unixSeconds)
{
    const int64_t period = ticketPeriod(unixSeconds, m_rotation);
    if (m_ready && m_current.period == period)
        return;
    if (m_ready && m_current.period == period - 1)
        m_previous = m_current;
    else
        m_previous = deriveTicketKey(m_secret, period - 1);
    m_current = deriveTicketKey(m_secret, period);
    m_ready = true;
}

TicketKey TicketKeyRing::encryptionKey(int64_t unixSeconds)
{
    std::lock_guard lock(m_mutex);
    refresh(unixSeconds);
    return m_current;
}

bool TicketKeyRing::decryptionKey(const uint8_t *name, int64_t unixSeconds, TicketKey &key, bool &renew)
{
    std::lock_guard lock(m_mutex);
    refresh(unixSeconds);
    if (std::memcmp(name, m_current.name.data(), 16) == 0) {
        key = m_current;
        renew = false;
        return true;
    }
    if (std::memcmp(name, m_previous.name.data(), 16) == 0) {
        key = m_previous;
        renew = true;
        return true;
    }
    return false;
}

} // namespace hafront::tls
