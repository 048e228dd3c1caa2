// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/NginxScope.h"

#include <QRegularExpression>

namespace socketscope::nginx {

namespace {

constexpr int kMaxIncludeDepth = 40;

Scope::Kind kindOf(const QByteArray& name)
{
    if (name == "http")
        return Scope::Kind::Http;
    if (name == "server")
        return Scope::Kind::Server;
    if (name == "location")
        return Scope::Kind::Location;
    if (name == "if")
        return Scope::Kind::If;
    if (name == "upstream")
        return Scope::Kind::Upstream;
    if (name == "map")
        return Scope::Kind::Map;
    return Scope::Kind::Other;
}

void build(const NginxConfigSet& set, Scope* scope, const std::vector<ConfNode>& nodes, int file, int depth)
{
    for (const ConfNode& node : nodes) {
        if (!node.isBlock) {
            if (node.name() == "include" && !node.includedFiles.isEmpty()) {
                if (depth >= kMaxIncludeDepth)
                    continue;
                for (int idx : node.includedFiles)
                    build(set, scope, set.files()[size_t(idx)].nodes, idx, depth + 1);
                continue;
            }
            scope->directives.push_back({&node, file});
            continue;
        }
        auto child = std::make_unique<Scope>();
        child->kind = kindOf(node.name());
        child->node = &node;
        child->file = file;
        child->parent = scope;
        if (!node.isRawBlock && child->kind != Scope::Kind::Map)
            build(set, child.get(), node.children, file, depth);
        scope->children.push_back(std::move(child));
    }
}

} // namespace

DirectiveRef Scope::own(const QByteArray& name) const
{
    DirectiveRef found;
    for (const DirectiveRef& d : directives) {
        if (d.node->name() == name)
            found = d;
    }
    return found;
}

QList<DirectiveRef> Scope::ownAll(const QByteArray& name) const
{
    QList<DirectiveRef> list;
    for (const DirectiveRef& d : directives) {
        if (d.node->name() == name)
            list.append(d);
    }
    return list;
}

DirectiveRef Scope::effective(const QByteArray& name) const
{
    for (const Scope* s = this; s; s = s->parent) {
        if (s->kind == Kind::If && s != this)
            continue;
        if (DirectiveRef d = s->own(name))
            return d;
    }
    return {};
}

const Scope* Scope::headerScope() const
{
    for (const Scope* s = this; s; s = s->parent) {
        if (s->kind == Kind::If && s != this)
            continue;
        if (s->own("proxy_set_header"))
            return s;
    }
    return nullptr;
}

QString Scope::locationArgs() const
{
    if (!node)
        return {};
    QStringList parts;
    for (int i = 1; i < node->words.size(); ++i)
        parts.append(QString::fromUtf8(node->words.at(i).raw));
    return parts.join(QLatin1Char(' '));
}

QString Scope::label() const
{
    switch (kind) {
    case Kind::Main: return QStringLiteral("main context");
    case Kind::Location: return QStringLiteral("location ") + locationArgs();
    default: break;
    }
    return node ? QString::fromUtf8(node->name()) : QString();
}

bool Scope::proxies() const
{
    if (own("proxy_pass"))
        return true;
    for (const auto& child : children) {
        if (child->kind == Kind::If && child->proxies())
            return true;
    }
    return false;
}

const Scope* Scope::enclosingServer() const
{
    for (const Scope* s = this; s; s = s->parent) {
        if (s->kind == Kind::Server)
            return s;
    }
    return nullptr;
}

std::unique_ptr<Scope> buildScopes(const NginxConfigSet& set)
{
    auto root = std::make_unique<Scope>();
    if (!set.files().empty())
        build(set, root.get(), set.files().front().nodes, 0, 0);
    return root;
}

void collectScopes(const Scope* root, Scope::Kind kind, QList<const Scope*>& out)
{
    for (const auto& child : root->children) {
        if (child->kind == kind)
            out.append(child.get());
        collectScopes(child.get(), kind, out);
    }
}

const Scope* selectLocation(const Scope* container, const QString& path)
{
    const Scope* bestPrefix = nullptr;
    qsizetype bestLen = -1;
    bool bestStops = false;
    QList<const Scope*> regexes;
    for (const auto& child : container->children) {
        if (child->kind != Scope::Kind::Location || child->node->argCount() < 1)
            continue;
        const ConfNode* n = child->node;
        const QByteArray first = n->arg(0);
        QByteArray modifier;
        QString uri;
        if (n->argCount() >= 2 && (first == "=" || first == "~" || first == "~*" || first == "^~")) {
            modifier = first;
            uri = QString::fromUtf8(n->arg(1));
        } else if (first.startsWith("=") && first.size() > 1) {
            modifier = "=";
            uri = QString::fromUtf8(first.mid(1));
        } else {
            uri = QString::fromUtf8(first);
        }
        if (uri.startsWith(QLatin1Char('@')))
            continue;
        if (modifier == "=") {
            if (uri == path)
                return child.get();
            continue;
        }
        if (modifier == "~" || modifier == "~*") {
            regexes.append(child.get());
            continue;
        }
        if (path.startsWith(uri) && uri.size() > bestLen) {
            bestPrefix = child.get();
            bestLen = uri.size();
            bestStops = modifier == "^~";
        }
    }
    const Scope* chosen = nullptr;
    if (bestPrefix && bestStops) {
        chosen = bestPrefix;
    } else {
        for (const Scope* r : regexes) {
            const bool ci = r->node->arg(0) == "~*";
            const QRegularExpression re(QString::fromUtf8(r->node->arg(1)),
                                        ci ? QRegularExpression::CaseInsensitiveOption : QRegularExpression::NoPatternOption);
            if (re.isValid() && re.match(path).hasMatch()) {
                chosen = r;
                break;
            }
        }
        if (!chosen)
            chosen = bestPrefix;
    }
    if (chosen) {
        if (const Scope* nested = selectLocation(chosen, path))
            return nested;
    }
    return chosen;
}

} // namespace socketscope::nginx
