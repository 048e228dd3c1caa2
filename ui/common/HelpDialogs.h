// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QListWidget;
class QTableWidget;
class QTextBrowser;

namespace socketscope {

// Help ▸ Documentation (F1): the docs/*.md pages, bundled in the app (resources/docs.qrc) and
// rendered as Markdown; a list of pages on the left.
class DocumentationDialog : public QDialog {
    Q_OBJECT
public:
    explicit DocumentationDialog(QWidget* parent = nullptr);
    // Shows a page by file name ("probe.md"); false when the app carries no such page.
    bool showPage(const QString& fileName);
    // The pages, as file names, in the order listed.
    static QStringList pages();

private:
    QListWidget* m_pages = nullptr;
    QTextBrowser* m_browser = nullptr;
};

// Help ▸ Keyboard shortcuts: every action of a window that has a shortcut, with its key.
class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget* window, QWidget* parent = nullptr);

private:
    QTableWidget* m_table = nullptr;
};

} // namespace socketscope
