// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A lossless syntax tree for nginx configuration files. Every word keeps the whitespace and
// comments before it, so printing an unmodified tree gives back the input byte for byte.
// The tokenizer follows nginx's own (ngx_conf_read_token): `#` starts a comment only at a word
// boundary, `}` inside a word is an ordinary byte, `${var}` keeps its braces, `*_by_lua_block`
// bodies are kept verbatim.

#include <QByteArray>
#include <QList>
#include <QString>

#include <vector>

namespace socketscope::nginx {

// A position in a file: 1-based line and column (in bytes), 0-based byte offset.
struct SourcePos {
    int line = 0;
    int column = 0;
    qsizetype offset = 0;
};

// One word of a directive: a name, `"upgrade"`, `$http_upgrade`, `${var}`.
struct ConfWord {
    QByteArray before;   // whitespace and comments preceding the word, verbatim
    QByteArray raw;      // the word as written (quotes and escapes included)
    QByteArray value;    // unquoted and unescaped, as nginx sees it
    bool quoted = false;
    SourcePos pos;       // of raw's first byte
    qsizetype end() const { return pos.offset + raw.size(); }
};

// A directive (`name args;`) or a block (`name args { ... }`).
struct ConfNode {
    QList<ConfWord> words;          // words[0] is the name; never empty
    QByteArray beforeTerm;          // trivia between the last word and ';' or '{'
    bool isBlock = false;
    bool isRawBlock = false;        // *_by_lua_block: body kept verbatim in rawBody
    std::vector<ConfNode> children; // a block's directives
    QByteArray rawBody;             // raw block body (between the braces)
    QByteArray beforeClose;         // trivia between the last child and '}'
    qsizetype termOffset = 0;       // offset of ';' or '{'
    qsizetype closeOffset = 0;      // offset of '}' (blocks)
    qsizetype endOffset = 0;        // one past ';' or '}'
    QList<int> includedFiles;       // for `include`: indices into the NginxConfigSet's files
    QString file;                   // the file the node was read from (shared string)

    const QByteArray& name() const { return words.front().value; }
    int argCount() const { return int(words.size()) - 1; }
    QByteArray arg(int i) const { return i + 1 < words.size() ? words.at(i + 1).value : QByteArray(); }
    QList<QByteArray> args() const;
    const SourcePos& pos() const { return words.front().pos; }
    qsizetype startOffset() const { return words.front().pos.offset; }
};

// One parsed file.
struct ConfFile {
    QString path;
    QByteArray text;                // the bytes parsed
    std::vector<ConfNode> nodes;    // top-level directives
    QByteArray trailing;            // trivia after the last top-level directive
};

// Where and why parsing failed.
struct ConfError {
    QString file;
    int line = 0;
    int column = 0;
    QString message;
    // "file:line:column: message", the form editors and compilers use.
    QString toString() const;
};

class NginxParser {
public:
    // Deepest block nesting accepted (real configs stay far below; bounds recursion on bad input).
    static constexpr int kMaxDepth = 64;
    // Parses text read from path. False with *error set on malformed input; never throws.
    static bool parse(const QByteArray& text, const QString& path, ConfFile* out, ConfError* error);
    // Prints a tree back to text; an unmodified tree prints as the bytes it was parsed from.
    static QByteArray print(const ConfFile& file);
    static void printNode(const ConfNode& node, QByteArray& out);
    // A readable outline of the tree with positions (for `lint --dump`).
    static QString dump(const ConfFile& file);
};

} // namespace socketscope::nginx
