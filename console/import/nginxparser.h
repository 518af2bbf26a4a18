// nginx's config syntax (ngx_conf_file.c): directives, blocks, quoted
// strings with escapes, comments, ${var} in words, and `include` expanded in
// place with globs. Syntax errors are report entries; a file nginx would
// refuse yields no directives.
#pragma once

#include "import/directive.h"
#include "import/report.h"
#include "import/sourcereader.h"

#include <string>
#include <vector>

namespace hafront::import {

struct NginxTree {
    std::vector<Directive> directives;
    bool ok = false; // false: a syntax error or an unreadable file (in the report)
};

// Reads `path` through `reader`. Relative includes resolve against the main
// file's folder (nginx's conf prefix), or else against the including file's.
NginxTree parseNginx(const std::string &path, const SourceReader &reader, Report &report);

} // namespace hafront::import
