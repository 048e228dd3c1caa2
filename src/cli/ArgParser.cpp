// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/ArgParser.h"

namespace socketscope::cli {

void ArgParser::addValue(const QString& name, const QString& shortName) { m_specs.append({name, shortName, true}); }
void ArgParser::addFlag(const QString& name, const QString& shortName) { m_specs.append({name, shortName, false}); }

QStringList ArgParser::optionNames() const
{
    QStringList names;
    for (const Spec& s : m_specs)
        names << s.name;
    return names;
}

const ArgParser::Spec* ArgParser::find(const QString& token) const
{
    for (const Spec& s : m_specs)
        if (token == s.name || (!s.shortName.isEmpty() && token == s.shortName))
            return &s;
    return nullptr;
}

bool ArgParser::parse(const QStringList& args)
{
    bool onlyPositionals = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (onlyPositionals || a == QLatin1String("-") || !a.startsWith(QLatin1Char('-'))) {
            m_positionals.append(a);
            continue;
        }
        if (a == QLatin1String("--")) {
            onlyPositionals = true;
            continue;
        }
        QString token = a;
        std::optional<QString> inlineValue;
        const qsizetype eq = a.indexOf(QLatin1Char('='));
        if (a.startsWith(QLatin1String("--")) && eq > 2) {
            token = a.left(eq);
            inlineValue = a.mid(eq + 1);
        }
        const Spec* spec = find(token);
        if (!spec) {
            m_error = QStringLiteral("unknown option %1").arg(token);
            return false;
        }
        if (!spec->takesValue) {
            if (inlineValue) {
                m_error = QStringLiteral("option %1 takes no value").arg(token);
                return false;
            }
            m_seen.append({spec->name, QString()});
            continue;
        }
        if (inlineValue) {
            m_seen.append({spec->name, *inlineValue});
        } else if (i + 1 < args.size()) {
            m_seen.append({spec->name, args[++i]});
        } else {
            m_error = QStringLiteral("option %1 needs a value").arg(token);
            return false;
        }
    }
    return true;
}

bool ArgParser::isSet(const QString& name) const
{
    for (const auto& s : m_seen)
        if (s.first == name)
            return true;
    return false;
}

QString ArgParser::value(const QString& name, const QString& fallback) const
{
    QString v = fallback;
    for (const auto& s : m_seen)
        if (s.first == name)
            v = s.second;
    return v;
}

QStringList ArgParser::values(const QString& name) const
{
    QStringList out;
    for (const auto& s : m_seen)
        if (s.first == name)
            out.append(s.second);
    return out;
}

std::optional<double> ArgParser::number(const QString& name, double fallback)
{
    if (!isSet(name))
        return fallback;
    bool ok = false;
    const double d = value(name).toDouble(&ok);
    if (!ok || d < 0) {
        m_error = QStringLiteral("option %1 needs a non-negative number, got '%2'").arg(name, value(name));
        return std::nullopt;
    }
    return d;
}

} // namespace socketscope::cli
