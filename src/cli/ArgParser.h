// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope::cli {

// A small, strict argument parser for command options: "--name value", "--name=value", flags,
// repeatable options and positionals. Unknown options are errors (scripts must not typo silently).
class ArgParser {
public:
    // Declares an option that takes a value. Short form optional (e.g. "-H").
    void addValue(const QString& name, const QString& shortName = {});
    void addFlag(const QString& name, const QString& shortName = {});
    // Parses; false with error() set on an unknown option or a missing value.
    bool parse(const QStringList& args);
    QString error() const { return m_error; }

    bool isSet(const QString& name) const;
    QString value(const QString& name, const QString& fallback = {}) const; // last occurrence
    QStringList values(const QString& name) const;                           // all occurrences
    // Parses a numeric value; sets error() and returns nullopt when not a number.
    std::optional<double> number(const QString& name, double fallback);
    QStringList positionals() const { return m_positionals; }
    // Every declared option's long name, in declaration order (a command's --help must name them).
    QStringList optionNames() const;

private:
    struct Spec { QString name, shortName; bool takesValue; };
    const Spec* find(const QString& token) const;
    QList<Spec> m_specs;
    QList<QPair<QString, QString>> m_seen;
    QStringList m_positionals;
    QString m_error;
};

} // namespace socketscope::cli
