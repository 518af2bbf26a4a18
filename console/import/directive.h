// The syntax tree both nginx's and keepalived's configs parse into: a
// directive is a name, its arguments and, for blocks, its children, each
// with the file and line it came from (includes already expanded).
#pragma once

#include <string>
#include <vector>

namespace hafront::import {

struct Directive {
    std::string name;
    std::vector<std::string> args;
    std::string file;
    int line = 0;
    bool isBlock = false;
    std::vector<Directive> children;
    // keepalived's "@ID" / "@^ID" line prefix ("fe1" / "^fe1"); empty = always.
    std::string condition;

    // The arguments as the file wrote them, space separated (for messages).
    std::string argText() const;
    const Directive *child(const std::string &childName) const;
};

} // namespace hafront::import
