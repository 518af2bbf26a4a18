// Test certificates made in-process with OpenSSL: a CA, and leaf certificates
// it signs for given names (ECDSA P-256 or RSA 2048), written as PEM files.
// No openssl command line, no fixed files that expire.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace tlstesting {

enum class Key { Ecdsa, Rsa };

struct Issued {
    std::string certFile, keyFile;
};

inline EVP_PKEY *newKey(Key type)
{
    return type == Key::Ecdsa ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
}

inline void writePem(const std::string &path, X509 *cert, EVP_PKEY *key, X509 *chain = nullptr)
{
    FILE *f = std::fopen(path.c_str(), "w");
    if (cert)
        PEM_write_X509(f, cert);
    if (chain)
        PEM_write_X509(f, chain);
    if (key)
        PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

// One CA; issue() signs leaves with it.
class Authority {
public:
    explicit Authority(std::string dir, const std::string &name = "hafront test CA") : m_dir(std::move(dir))
    {
        m_key = newKey(Key::Ecdsa);
        m_cert = build(name, {}, m_key, nullptr, nullptr, 0, 3650, true);
        writePem(m_dir + "/ca.pem", m_cert, nullptr);
    }
    ~Authority()
    {
        X509_free(m_cert);
        EVP_PKEY_free(m_key);
    }
    std::string caFile() const { return m_dir + "/ca.pem"; }

    // `names` become SAN DNS names, or IP addresses as "IP:A.B.C.D" (the first
    // is also the CN); validity in days
    // from now (negative: already expired).
    Issued issue(const std::string &stem, const std::vector<std::string> &names, Key type = Key::Ecdsa,
                 long fromDays = -1, long toDays = 90)
    {
        EVP_PKEY *key = newKey(type);
        X509 *cert = build(names.empty() ? stem : names[0], names, key, m_cert, m_key, fromDays, toDays, false);
        Issued out{m_dir + "/" + stem + ".pem", m_dir + "/" + stem + ".key"};
        writePem(out.certFile, cert, nullptr, m_cert);
        writePem(out.keyFile, nullptr, key);
        X509_free(cert);
        EVP_PKEY_free(key);
        return out;
    }

private:
    static X509 *build(const std::string &cn, const std::vector<std::string> &names, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuerKey, long fromDays, long toDays, bool ca)
    {
        static long serial = 1;
        X509 *x = X509_new();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
        X509_gmtime_adj(X509_getm_notBefore(x), fromDays * 86400);
        X509_gmtime_adj(X509_getm_notAfter(x), toDays * 86400);
        X509_set_pubkey(x, key);
        X509_NAME *name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(cn.c_str()), -1,
                                   -1, 0);
        X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
        auto add = [&](int nid, const std::string &value) {
            if (X509_EXTENSION *e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())) {
                X509_add_ext(x, e, -1);
                X509_EXTENSION_free(e);
            }
        };
        add(NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
        if (!names.empty()) {
            std::string san;
            for (const auto &n : names) // "IP:192.0.2.1" as it is, else a DNS name
                san += (san.empty() ? "" : ",") + (n.rfind("IP:", 0) == 0 ? n : "DNS:" + n);
            add(NID_subject_alt_name, san);
        }
        X509_sign(x, issuerKey ? issuerKey : key, EVP_sha256());
        return x;
    }

    std::string m_dir;
    EVP_PKEY *m_key = nullptr;
    X509 *m_cert = nullptr;
};

} // namespace tlstesting
