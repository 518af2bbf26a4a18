// keepalived's config syntax (lib/parser.c): one keyword per line, blocks in
// braces, '#' and '!' comments, quoted strings, `include` with globs relative
// to the including file, $NAME=value definitions with ${NAME} substitution,
// and @ID conditional lines (kept, marked, for the mapper to decide).
#pragma once

#include "import/directive.h"
#include "import/report.h"
#include "import/sourcereader.h"

#include <string>
#include <vector>

namespace hafront::import {

struct KeepalivedTree {
    std::vector<Directive> directives;
    bool ok = false;
};

KeepalivedTree parseKeepalived(const std::string &path, const SourceReader &reader, Report &report);

} // namespace hafront::import
