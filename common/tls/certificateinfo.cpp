#include "tls/certificateinfo.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

namespace hafront::tls {
namespace {

template <class T, void (*Free)(T *)> struct Deleter {
    void operator()(T *p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;

std::string opensslError()
{
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return "not PEM";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

Result<std::string> readFile(const std::string &path, const char *what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(std::string("cannot read ") + what + " " + path + ": " + std::strerror(errno));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string nameText(X509_NAME *name)
{
    Bio bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, size_t(n));
}

int64_t unixTime(const ASN1_TIME *t)
{
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return int64_t(timegm(&tm));
}

std::string keyType(EVP_PKEY *key)
{
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
        char group[64] = {};
        size_t len = 0;
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len);
        return std::string("ECDSA ") + (std::strcmp(group, "prime256v1") == 0 ? "P-256" : group);
    }
    case EVP_PKEY_RSA:
        return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_ED25519:
        return "Ed25519";
    default:
        return "other";
    }
}

} // namespace

Result<CertificateInfo> loadCertificate(const std::string &certFile, const std::string &keyFile)
{
    auto certText = readFile(certFile, "certificate");
    if (!certText)
        return fail(certText.error());
    auto keyText = readFile(keyFile, "key");
    if (!keyText)
        return fail(keyText.error());
    ERR_clear_error();
    Bio certBio(BIO_new_mem_buf(certText->data(), int(certText->size())));
    X509Ptr cert(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        return fail("certificate " + certFile + " does not parse: " + opensslError());
    CertificateInfo info;
    while (X509Ptr extra{PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)})
        ++info.chainLength;
    ERR_clear_error(); // the end of the chain reads as an error
    Bio keyBio(BIO_new_mem_buf(keyText->data(), int(keyText->size())));
    KeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return fail("key " + keyFile + " does not parse (or is encrypted): " + opensslError());
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        ERR_clear_error();
        return fail("key " + keyFile + " does not belong to certificate " + certFile);
    }
    info.subject = nameText(X509_get_subject_name(cert.get()));
    info.issuer = nameText(X509_get_issuer_name(cert.get()));
    info.notBefore = unixTime(X509_get0_notBefore(cert.get()));
    info.notAfter = unixTime(X509_get0_notAfter(cert.get()));
    info.keyType = keyType(key.get());
    if (auto *sans =
            static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr))) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME *n = sk_GENERAL_NAME_value(sans, i);
            if (n->type == GEN_DNS) {
                const auto *s = reinterpret_cast<const char *>(ASN1_STRING_get0_data(n->d.dNSName));
                info.names.emplace_back(s, size_t(ASN1_STRING_length(n->d.dNSName)));
            }
        }
        GENERAL_NAMES_free(sans);
    }
    if (info.names.empty()) { // no SAN: the subject CN, as older clients accept
        char cn[256] = {};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) > 0)
            info.names.emplace_back(cn);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdLength = 0;
    X509_digest(cert.get(), EVP_sha256(), md, &mdLength);
    for (unsigned i = 0; i < mdLength; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
        info.sha256 += hex;
    }
    return info;
}

Result<int> loadCaBundle(const std::string &file)
{
    auto text = readFile(file, "CA file");
    if (!text)
        return fail(text.error());
    ERR_clear_error();
    Bio bio(BIO_new_mem_buf(text->data(), int(text->size())));
    int count = 0;
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)})
        ++count;
    ERR_clear_error(); // the end of the bundle reads as an error
    if (count == 0)
        return fail("CA file " + file + " holds no PEM certificate");
    return count;
}

Result<std::string> loadTicketSecret(const std::string &file)
{
    auto text = readFile(file, "session ticket secret");
    if (!text)
        return fail(text.error());
    if (text->size() < 32)
        return fail("session ticket secret " + file + " holds " + std::to_string(text->size()) +
                    " bytes; at least 32 are needed (e.g. head -c 48 /dev/urandom | base64)");
    return text.value();
}

} // namespace hafront::tls
