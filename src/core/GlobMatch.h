// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// OpenSSH's match_pattern(): '*' any run, '?' one character, every other character exact (the
// caller decides about case). Iterative with one backtrack point: linear in practice, never
// recursive. Used for known_hosts host patterns (bytes) and ssh_config Host patterns (text).

#include <QtGlobal>

#include <type_traits>

namespace socketscope {

template <typename Text>
bool globMatch(const Text& text, const Text& pattern)
{
    using Char = std::decay_t<decltype(pattern[0])>;
    const Char any = Char(u'*');
    const Char one = Char(u'?');
    qsizetype p = 0, t = 0, star = -1, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == one || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == any) {
            star = p++;
            mark = t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == any)
        ++p;
    return p == pattern.size();
}

} // namespace socketscope
