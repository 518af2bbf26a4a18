// libFuzzer entry for the importer: the input is read as an nginx config and
// as a keepalived config (through the in-memory reader, no disk), mapped and
// written out. Any crash, hang or sanitizer report is a bug: the importer
// must end with a report on every input. Seeds: tests/fuzz/corpus/import/.
#include "import/importer.h"
#include "import/sourcereader.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace hafront::import;
    const std::string text(reinterpret_cast<const char *>(data), size);
    MemoryReader reader;
    reader.add("/etc/nginx/nginx.conf", text);
    reader.add("/etc/keepalived/keepalived.conf", text);
    // An include target and a folder, so include and static-root paths get exercised too.
    reader.add("/etc/nginx/conf.d/a.conf", text.substr(0, size / 2));
    reader.addDirectory("/srv/www");

    ImportRequest nginx;
    nginx.nginxFile = "/etc/nginx/nginx.conf";
    nginx.nodes.push_back({"fe1", "192.0.2.11"});
    const ImportResult a = runImport(nginx, reader);

    ImportRequest keepalived;
    keepalived.keepalivedFiles.push_back({"fe1", "/etc/keepalived/keepalived.conf"});
    keepalived.keepalivedFiles.push_back({"fe2", "/etc/keepalived/keepalived.conf"});
    const ImportResult b = runImport(keepalived, reader);

    // Every result is written out and reported; the report must be JSON-able.
    if (a.configText.empty() || b.configText.empty())
        __builtin_trap();
    (void)reportJson(a.report);
    (void)reportText(b.report);
    return 0;
}
