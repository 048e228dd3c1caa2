// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/HelpDialogs.h"

#include <QAbstractButton>
#include <QAction>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

// docs.qrc is compiled into the static socketscope_ui library: nothing references its object
// file, so the linker would drop it without this explicit initialisation (outside any namespace).
static void initDocsResource()
{
    Q_INIT_RESOURCE(docs);
}

namespace socketscope {

namespace {

struct Page {
    const char* file;
    const char* title;
};

constexpr Page kPages[] = {
    {"probe.md", QT_TRANSLATE_NOOP("DocumentationDialog", "Probing and diagnosis")},
    {"monitoring.md", QT_TRANSLATE_NOOP("DocumentationDialog", "Live monitoring")},
    {"profiles.md", QT_TRANSLATE_NOOP("DocumentationDialog", "Server profiles")},
    {"config-analysis.md", QT_TRANSLATE_NOOP("DocumentationDialog", "Configuration analysis")},
    {"logs.md", QT_TRANSLATE_NOOP("DocumentationDialog", "Logs")},
    {"runbook.md", QT_TRANSLATE_NOOP("DocumentationDialog", "The guided runbook")},
    {"ssh.md", QT_TRANSLATE_NOOP("DocumentationDialog", "SSH")},
    {"INSTALL.md", QT_TRANSLATE_NOOP("DocumentationDialog", "Building and installing")},
};

} // namespace

QStringList DocumentationDialog::pages()
{
    QStringList out;
    for (const Page& p : kPages)
        out << QString::fromLatin1(p.file);
    return out;
}

DocumentationDialog::DocumentationDialog(QWidget* parent) : QDialog(parent)
{
    initDocsResource();
    setObjectName(QStringLiteral("documentationDialog"));
    setWindowTitle(tr("SocketScope documentation"));
    m_pages = new QListWidget(this);
    m_pages->setObjectName(QStringLiteral("docPagesListWidget"));
    for (const Page& p : kPages) {
        auto* item = new QListWidgetItem(tr(p.title), m_pages);
        item->setData(Qt::UserRole, QString::fromLatin1(p.file));
    }
    m_browser = new QTextBrowser(this);
    m_browser->setObjectName(QStringLiteral("docTextBrowser"));
    m_browser->setSearchPaths({QStringLiteral(":/docs")});
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_pages);
    split->addWidget(m_browser);
    split->setStretchFactor(1, 1);
    split->setSizes({200, 700});
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    connect(m_pages, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showPage(m_pages->item(row)->data(Qt::UserRole).toString());
    });
    // A link between pages ("see [monitoring](monitoring.md)") opens that page here.
    m_browser->setOpenLinks(false);
    connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.isRelative() && url.path().endsWith(QLatin1String(".md")))
            showPage(url.path().section(QLatin1Char('/'), -1));
        else if (!url.isRelative())
            QDesktopServices::openUrl(url);
    });
    resize(960, 680);
    m_pages->setCurrentRow(0);
}

bool DocumentationDialog::showPage(const QString& fileName)
{
    QFile f(QStringLiteral(":/docs/") + fileName);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    m_browser->setMarkdown(QString::fromUtf8(f.readAll()));
    for (int i = 0; i < m_pages->count(); ++i)
        if (m_pages->item(i)->data(Qt::UserRole).toString() == fileName && m_pages->currentRow() != i) {
            const QSignalBlocker block(m_pages);
            m_pages->setCurrentRow(i);
        }
    return true;
}

ShortcutsDialog::ShortcutsDialog(QWidget* window, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(QStringLiteral("shortcutsTableWidget"));
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // What the window really binds: its actions and its buttons' mnemonics-free shortcuts.
    QList<QPair<QString, QString>> rows;
    const auto add = [&rows](QString text, const QKeySequence& keys) {
        if (keys.isEmpty())
            return;
        text.remove(QLatin1Char('&'));
        text.remove(QStringLiteral("…"));
        const QPair<QString, QString> row{text.trimmed(), keys.toString(QKeySequence::NativeText)};
        if (!row.first.isEmpty() && !rows.contains(row))
            rows.append(row);
    };
    for (const QAction* a : window->findChildren<QAction*>())
        for (const QKeySequence& k : a->shortcuts())
            add(a->text().isEmpty() ? a->toolTip() : a->text(), k);
    for (const QAbstractButton* b : window->findChildren<QAbstractButton*>())
        add(b->text(), b->shortcut());
    std::sort(rows.begin(), rows.end());
    for (const auto& [text, keys] : rows) {
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        m_table->setItem(r, 0, new QTableWidgetItem(text));
        m_table->setItem(r, 1, new QTableWidgetItem(keys));
    }
    m_table->resizeColumnsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(520, 560);
}

} // namespace socketscope
