// A certificate and its key as the operator gave them (PEM files): read,
// checked (the key belongs to the certificate) and described — names,
// issuer, validity, SHA-256 fingerprint — for config errors, status and
// the console. Reads files; no sockets.
#pragma once

#include "base/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hafront::tls {

struct CertificateInfo {
    std::vector<std::string> names; // SAN DNS names, else the subject CN
    std::string subject, issuer;
    int64_t notBefore = 0, notAfter = 0; // Unix seconds
    std::string sha256;                  // fingerprint, "AB:CD:..."
    std::string keyType;                 // "ECDSA P-256", "RSA 2048", ...
    int chainLength = 0;                 // certificates after the leaf in the file
};

Result<CertificateInfo> loadCertificate(const std::string &certFile, const std::string &keyFile);

// Reads a PEM bundle of CA certificates (a pool's tls.ca_file): how many it
// holds, at least one.
Result<int> loadCaBundle(const std::string &file);

// Reads the shared ticket secret: at least 32 bytes (what HKDF needs to be safe).
Result<std::string> loadTicketSecret(const std::string &file);

} // namespace hafront::tls
