// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/NginxConfig.h"

#include <QStringList>

namespace socketscope::nginx {

QList<QByteArray> ConfNode::args() const
{
    QList<QByteArray> list;
    for (int i = 1; i < words.size(); ++i)
        list.append(words.at(i).value);
    return list;
}

QString ConfError::toString() const
{
    return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message);
}

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// nginx unescapes \" \' \\ \t \r \n in every word; other backslashes stay.
QByteArray unescape(const char* p, qsizetype n)
{
    QByteArray v;
    v.reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        if (p[i] == '\\' && i + 1 < n) {
            const char e = p[i + 1];
            switch (e) {
            case '"': case '\'': case '\\': v.append(e); ++i; continue;
            case 't': v.append('\t'); ++i; continue;
            case 'r': v.append('\r'); ++i; continue;
            case 'n': v.append('\n'); ++i; continue;
            default: break;
            }
        }
        v.append(p[i]);
    }
    return v;
}

class Parser {
public:
    Parser(const QByteArray& text, const QString& path, ConfError* error)
        : m_text(text), m_data(text.constData()), m_size(text.size()), m_path(path), m_error(error) {}

    bool parseFile(ConfFile* out)
    {
        out->path = m_path;
        out->text = m_text;
        qsizetype close = 0;
        return parseBlock(out->nodes, out->trailing, close, 0);
    }

private:
    enum class Tok { Word, Semi, Open, Close, End };

    SourcePos here() const { return {m_line, m_col, m_i}; }

    void advanceTo(qsizetype target)
    {
        for (; m_i < target; ++m_i) {
            if (m_data[m_i] == '\n') {
                ++m_line;
                m_col = 1;
            } else {
                ++m_col;
            }
        }
    }

    bool fail(const SourcePos& at, const QString& message)
    {
        if (m_error && !m_failed) {
            m_error->file = m_path;
            m_error->line = at.line;
            m_error->column = at.column;
            m_error->message = message;
        }
        m_failed = true;
        return false;
    }

    bool failNul() { return fail(here(), QStringLiteral("binary data (a NUL byte): this is not an nginx configuration file")); }

    // Whitespace and comments up to the next token.
    bool readTrivia(QByteArray* trivia)
    {
        const qsizetype start = m_i;
        qsizetype j = m_i;
        while (j < m_size) {
            const char c = m_data[j];
            if (isSpace(c)) {
                ++j;
            } else if (c == '#') {
                while (j < m_size && m_data[j] != '\n') {
                    if (m_data[j] == '\0') {
                        advanceTo(j);
                        return failNul();
                    }
                    ++j;
                }
            } else {
                break;
            }
        }
        advanceTo(j);
        *trivia = m_text.mid(start, j - start);
        return true;
    }

    // Reads the next token; for a word fills *word.
    bool next(Tok* tok, ConfWord* word, QByteArray* trivia, SourcePos* pos)
    {
        if (!readTrivia(trivia))
            return false;
        *pos = here();
        if (m_i >= m_size) {
            *tok = Tok::End;
            return true;
        }
        const char c = m_data[m_i];
        if (c == ';' || c == '{' || c == '}') {
            *tok = c == ';' ? Tok::Semi : c == '{' ? Tok::Open : Tok::Close;
            advanceTo(m_i + 1);
            return true;
        }
        if (c == '\0')
            return failNul();
        *tok = Tok::Word;
        word->before = *trivia;
        word->pos = *pos;
        qsizetype j = m_i;
        if (c == '"' || c == '\'') {
            ++j;
            for (;;) {
                if (j >= m_size)
                    return fail(*pos, QStringLiteral("unterminated quoted string (the %1 opened here is never closed)")
                                          .arg(c == '"' ? QStringLiteral("\"") : QStringLiteral("'")));
                const char d = m_data[j];
                if (d == '\0') {
                    advanceTo(j);
                    return failNul();
                }
                if (d == '\\') {
                    j += 2;
                    continue;
                }
                if (d == c)
                    break;
                ++j;
            }
            word->quoted = true;
            word->raw = m_text.mid(m_i, j + 1 - m_i);
            word->value = unescape(m_data + m_i + 1, j - m_i - 1);
            advanceTo(j + 1);
            if (m_i < m_size) {
                const char after = m_data[m_i];
                if (!isSpace(after) && after != ';' && after != '{' && after != ')')
                    return fail(here(), QStringLiteral("unexpected \"%1\" after a quoted string (nginx needs a space, ';' or '{')")
                                            .arg(QString::fromLatin1(&after, 1)));
            }
            return true;
        }
        bool afterDollar = false;
        while (j < m_size) {
            const char d = m_data[j];
            if (d == '\\') {
                j = qMin(j + 2, m_size);
                afterDollar = false;
                continue;
            }
            if (isSpace(d) || d == ';')
                break;
            if (d == '{') {
                if (!afterDollar)
                    break;
                afterDollar = false;
                ++j;
                continue;
            }
            if (d == '\0') {
                advanceTo(j);
                return failNul();
            }
            afterDollar = d == '$';
            ++j;
        }
        word->quoted = false;
        word->raw = m_text.mid(m_i, j - m_i);
        // Most words have no escape: share the bytes instead of copying them again.
        word->value = word->raw.contains('\\') ? unescape(m_data + m_i, j - m_i) : word->raw;
        advanceTo(j);
        return true;
    }

    // A *_by_lua_block body: Lua, not nginx syntax. Braces are counted outside Lua strings and comments.
    bool readLuaBody(ConfNode* node, const SourcePos& open)
    {
        const qsizetype start = m_i;
        qsizetype j = m_i;
        int depth = 1;
        auto longBracket = [&](qsizetype at) -> int { // level of "[==[" at `at`, or -1
            if (at >= m_size || m_data[at] != '[')
                return -1;
            qsizetype k = at + 1;
            int level = 0;
            while (k < m_size && m_data[k] == '=') {
                ++level;
                ++k;
            }
            return k < m_size && m_data[k] == '[' ? level : -1;
        };
        auto skipLong = [&](qsizetype at, int level) -> qsizetype { // returns index after the closer, or -1
            QByteArray closer = "]" + QByteArray(level, '=') + "]";
            const qsizetype found = m_text.indexOf(closer, at);
            return found < 0 ? -1 : found + closer.size();
        };
        while (j < m_size) {
            const char c = m_data[j];
            if (c == '\0') {
                advanceTo(j);
                return failNul();
            }
            if (c == '"' || c == '\'') {
                ++j;
                while (j < m_size && m_data[j] != c && m_data[j] != '\n') {
                    j += m_data[j] == '\\' ? 2 : 1;
                }
                ++j;
                continue;
            }
            if (c == '-' && j + 1 < m_size && m_data[j + 1] == '-') {
                const int level = longBracket(j + 2);
                if (level >= 0) {
                    j = skipLong(j + 2, level);
                    if (j < 0)
                        break;
                } else {
                    while (j < m_size && m_data[j] != '\n')
                        ++j;
                }
                continue;
            }
            if (c == '[') {
                const int level = longBracket(j);
                if (level >= 0) {
                    j = skipLong(j, level);
                    if (j < 0)
                        break;
                    continue;
                }
            }
            if (c == '{') {
                ++depth;
            } else if (c == '}') {
                if (--depth == 0) {
                    node->rawBody = m_text.mid(start, j - start);
                    node->closeOffset = j;
                    node->endOffset = j + 1;
                    advanceTo(j + 1);
                    return true;
                }
            }
            ++j;
        }
        return fail(open, QStringLiteral("unexpected end of file: the Lua block opened here is never closed"));
    }

    bool parseBlock(std::vector<ConfNode>& out, QByteArray& closeTrivia, qsizetype& closeOffset, int depth)
    {
        const bool top = depth == 0;
        for (;;) {
            Tok tok = Tok::End;
            ConfWord word;
            QByteArray trivia;
            SourcePos pos;
            if (!next(&tok, &word, &trivia, &pos))
                return false;
            switch (tok) {
            case Tok::End:
                if (!top)
                    return fail(pos, QStringLiteral("unexpected end of file, expecting \"}\""));
                closeTrivia = trivia;
                return true;
            case Tok::Close:
                if (top)
                    return fail(pos, QStringLiteral("unexpected \"}\" (no block is open here)"));
                closeTrivia = trivia;
                closeOffset = pos.offset;
                return true;
            case Tok::Semi:
                return fail(pos, QStringLiteral("unexpected \";\" (no directive name before it)"));
            case Tok::Open:
                return fail(pos, QStringLiteral("unexpected \"{\" (no directive name before it)"));
            case Tok::Word:
                break;
            }
            ConfNode node;
            node.file = m_path;
            node.words.append(std::move(word));
            for (;;) {
                ConfWord w;
                if (!next(&tok, &w, &trivia, &pos))
                    return false;
                if (tok == Tok::Word) {
                    node.words.append(std::move(w));
                    continue;
                }
                if (tok == Tok::Semi) {
                    node.beforeTerm = trivia;
                    node.termOffset = pos.offset;
                    node.endOffset = pos.offset + 1;
                    break;
                }
                if (tok == Tok::Open) {
                    node.beforeTerm = trivia;
                    node.termOffset = pos.offset;
                    node.isBlock = true;
                    if (node.name().endsWith("_by_lua_block")) {
                        node.isRawBlock = true;
                        if (!readLuaBody(&node, pos))
                            return false;
                        break;
                    }
                    if (depth + 1 >= NginxParser::kMaxDepth)
                        return fail(pos, QStringLiteral("blocks nested more than %1 deep").arg(NginxParser::kMaxDepth));
                    qsizetype close = 0;
                    if (!parseBlock(node.children, node.beforeClose, close, depth + 1))
                        return false;
                    node.closeOffset = close;
                    node.endOffset = close + 1;
                    break;
                }
                if (tok == Tok::Close)
                    return fail(pos, QStringLiteral("unexpected \"}\": the directive \"%1\" has no \";\"")
                                         .arg(QString::fromUtf8(node.name())));
                return fail(pos, QStringLiteral("unexpected end of file, expecting \";\" or \"}\" after \"%1\"")
                                     .arg(QString::fromUtf8(node.name())));
            }
            out.push_back(std::move(node));
        }
    }

    const QByteArray& m_text;
    const char* m_data;
    qsizetype m_size;
    QString m_path;
    ConfError* m_error;
    qsizetype m_i = 0;
    int m_line = 1;
    int m_col = 1;
    bool m_failed = false;
};

void dumpNodes(const std::vector<ConfNode>& nodes, const QString& path, int indent, QStringList& lines)
{
    for (const ConfNode& n : nodes) {
        QString text = QString(indent * 2, QLatin1Char(' '));
        for (const ConfWord& w : n.words)
            text += QString::fromUtf8(w.raw) + QLatin1Char(' ');
        text += n.isBlock ? QStringLiteral("{") : QStringLiteral(";");
        lines.append(QStringLiteral("%1:%2:%3  %4").arg(path).arg(n.pos().line).arg(n.pos().column).arg(text));
        if (n.isRawBlock)
            lines.append(QStringLiteral("%1  (%2 bytes of Lua)").arg(QString((indent + 1) * 2, QLatin1Char(' '))).arg(n.rawBody.size()));
        dumpNodes(n.children, path, indent + 1, lines);
        if (n.isBlock && !n.isRawBlock)
            lines.append(QString(indent * 2, QLatin1Char(' ')) + QStringLiteral("}"));
    }
}

} // namespace

bool NginxParser::parse(const QByteArray& text, const QString& path, ConfFile* out, ConfError* error)
{
    *out = ConfFile();
    Parser parser(text, path, error);
    if (!parser.parseFile(out)) {
        *out = ConfFile();
        out->path = path;
        return false;
    }
    return true;
}

void NginxParser::printNode(const ConfNode& node, QByteArray& out)
{
    for (const ConfWord& w : node.words) {
        out += w.before;
        out += w.raw;
    }
    out += node.beforeTerm;
    if (!node.isBlock) {
        out += ';';
        return;
    }
    out += '{';
    if (node.isRawBlock) {
        out += node.rawBody;
    } else {
        for (const ConfNode& child : node.children)
            printNode(child, out);
        out += node.beforeClose;
    }
    out += '}';
}

QByteArray NginxParser::print(const ConfFile& file)
{
    QByteArray out;
    out.reserve(file.text.size());
    for (const ConfNode& node : file.nodes)
        printNode(node, out);
    out += file.trailing;
    return out;
}

QString NginxParser::dump(const ConfFile& file)
{
    QStringList lines;
    dumpNodes(file.nodes, file.path, 0, lines);
    return lines.join(QLatin1Char('\n'));
}

} // namespace socketscope::nginx
