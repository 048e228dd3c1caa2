// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileListPanel.h"

#include "AppContext.h"
#include "common/Banner.h"
#include "core/ActivityLog.h"
#include "exporter/ExporterModules.h"
#include "profiles/ProfileEditorDialog.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"
#include "profiles/SshConfigImporter.h"

#include <QAction>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace socketscope {

namespace {

QColor stateColour(const QString& state)
{
    if (state == QLatin1String("ok"))
        return QColor(0x2e, 0x9d, 0x44);
    if (state == QLatin1String("degraded"))
        return QColor(0xd0, 0x8a, 0x00);
    if (state == QLatin1String("down"))
        return QColor(0xd0, 0x3b, 0x3b);
    return QColor(0x8a, 0x8a, 0x8a);
}

QIcon dotIcon(const QColor& colour)
{
    QPixmap pm(16, 16);
    pm.fill(Qt::transparent);
    QPainter painter(&pm);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(3, 3, 10, 10));
    return QIcon(pm);
}

QToolButton* toolButton(QWidget* parent, const QString& objectName, const QString& text, const QString& tip,
                        const QKeySequence& shortcut)
{
    auto* b = new QToolButton(parent);
    b->setObjectName(objectName);
    b->setText(text);
    b->setToolTip(shortcut.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    b->setAutoRaise(true);
    return b;
}

} // namespace

ProfileListPanel::ProfileListPanel(AppContext& context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* title = new QLabel(tr("<b>Profiles</b>"), this);
    layout->addWidget(title);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("storeBannerLabel"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fbe3e3; color: #6b1010; border: 1px solid #d03b3b; "
                                           "border-radius: 3px; padding: 4px; }"));
    m_banner->hide();
    layout->addWidget(m_banner);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchLineEdit"));
    m_search->setPlaceholderText(tr("Search… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("profileListWidget"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformItemSizes(true);
    layout->addWidget(m_list, 1);

    // The Undo offer floats over the bottom of the list (above a notice, when one shows) instead
    // of taking a place in the layout: deleting a profile never moves the list or the buttons.
    m_undoFrame = new QFrame(this);
    m_undoFrame->setObjectName(QStringLiteral("undoFrame"));
    m_undoFrame->setAutoFillBackground(true);
    m_undoFrame->setStyleSheet(
        QStringLiteral("QFrame#undoFrame { background: #eef3fb; border: 1px solid #7a9cc6; border-radius: 4px; }"
                       "QLabel { color: #1d2f4a; }"));
    auto* undoLayout = new QHBoxLayout(m_undoFrame);
    undoLayout->setContentsMargins(4, 2, 4, 2);
    m_undoLabel = new QLabel(m_undoFrame);
    m_undoLabel->setWordWrap(true);
    auto* undo = new QPushButton(tr("&Undo"), m_undoFrame);
    undo->setObjectName(QStringLiteral("undoDeletePushButton"));
    auto* dismiss = toolButton(m_undoFrame, QStringLiteral("dismissUndoToolButton"), tr("Dismiss"), tr("Dismiss: the deletion is final"), {});
    undoLayout->addWidget(m_undoLabel, 1);
    undoLayout->addWidget(undo);
    undoLayout->addWidget(dismiss);
    m_undoFrame->hide();

    auto* buttons = new QHBoxLayout;
    auto* add = toolButton(this, QStringLiteral("addToolButton"), tr("Add"), tr("Add a profile"), QKeySequence::New);
    m_editButton = toolButton(this, QStringLiteral("editToolButton"), tr("Edit"), tr("Edit the profile"), QKeySequence(Qt::Key_F2));
    m_duplicateButton = toolButton(this, QStringLiteral("duplicateToolButton"), tr("Duplicate"), tr("Duplicate the profile"),
                                   QKeySequence(Qt::CTRL | Qt::Key_D));
    m_deleteButton = toolButton(this, QStringLiteral("deleteToolButton"), tr("Delete"), tr("Delete the profile"),
                                QKeySequence::Delete);
    auto* more = toolButton(this, QStringLiteral("moreToolButton"), tr("More"), tr("Import and export"), {});
    more->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(more);
    // Duplicate lives here (and on Ctrl+D), so the button row fits a narrow list at 1024×700.
    QAction* duplicate = menu->addAction(tr("Duplicate the profile"), this, &ProfileListPanel::duplicateCurrent);
    duplicate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    duplicate->setShortcutVisibleInContextMenu(true);
    menu->addSeparator();
    menu->addAction(tr("Import from ~/.ssh/config"), this, [this] { importSshConfig(SshConfigImporter::defaultPath()); });
    menu->addAction(tr("Import from an ssh config file…"), this, [this] {
        chooseFile(false, tr("Import SSH hosts"), tr("All files (*)"), &ProfileListPanel::importSshConfig);
    });
    menu->addSeparator();
    menu->addAction(tr("Import profiles (JSON)…"), this, &ProfileListPanel::chooseImportJson);
    menu->addAction(tr("Export all profiles (JSON, no secrets)…"), this, &ProfileListPanel::chooseExportJson);
    QAction* modulesSelected = menu->addAction(tr("Export exporter modules of this profile…"), this, [this] { chooseExportModules(true); });
    modulesSelected->setObjectName(QStringLiteral("exportModulesSelectedAction"));
    QAction* modulesAll = menu->addAction(tr("Export exporter modules of all profiles…"), this, [this] { chooseExportModules(false); });
    modulesAll->setObjectName(QStringLiteral("exportModulesAllAction"));
    connect(menu, &QMenu::aboutToShow, modulesSelected, [this, modulesSelected] { modulesSelected->setEnabled(m_current.has_value()); });
    menu->addSeparator();
    menu->addAction(tr("Reload profiles"), this, &ProfileListPanel::reloadProfiles);
    more->setMenu(menu);
    for (QToolButton* b : {add, m_editButton, m_deleteButton})
        buttons->addWidget(b);
    m_duplicateButton->hide(); // kept for its enabled state; the action is in More
    buttons->addStretch(1);
    buttons->addWidget(more);
    layout->addLayout(buttons);

    // Over the bottom of the list: a notice never moves the list or the buttons.
    m_notice = new Banner(m_list, QStringLiteral("noticeLabel"));
    // Links ("Reload profiles") must be clickable, not only selectable.
    m_notice->label()->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_notice->label()->setOpenExternalLinks(false);
    connect(m_notice->label(), &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == QLatin1String("reload"))
            reloadProfiles();
    });
    // The Undo offer follows the list and steps aside (upwards) for the notice.
    m_list->installEventFilter(this);
    m_notice->installEventFilter(this);

    m_keychain = new QLabel(this);
    m_keychain->setObjectName(QStringLiteral("keychainStatusLabel"));
    m_keychain->setWordWrap(true);
    QFont small = m_keychain->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_keychain->setFont(small);
    m_keychain->setTextFormat(Qt::RichText);
    m_keychain->setTextInteractionFlags(Qt::TextBrowserInteraction);
    connect(m_keychain, &QLabel::linkActivated, this, [this](const QString& link) {
        m_keychainDetails = link == QLatin1String("details");
        updateKeychainLabel();
    });
    layout->addWidget(m_keychain);

    // Shortcuts work while the panel (list or search) has focus.
    auto addShortcut = [this](const QKeySequence& key, auto slot) {
        auto* a = new QAction(this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
    };
    // Ctrl+N is the window's (File ▸ New profile): it works wherever the focus is.
    addShortcut(QKeySequence(Qt::Key_F2), [this] { editCurrent(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_D), [this] { duplicateCurrent(); });
    addShortcut(QKeySequence::Delete, [this] { deleteCurrent(); });
    addShortcut(QKeySequence::Undo, [this] { undoDelete(); });
    addShortcut(QKeySequence::Find, [this] { m_search->setFocus(); m_search->selectAll(); });

    connect(add, &QToolButton::clicked, this, [this] { addProfile(); });
    connect(m_editButton, &QToolButton::clicked, this, [this] { editCurrent(); });
    connect(m_duplicateButton, &QToolButton::clicked, this, &ProfileListPanel::duplicateCurrent);
    connect(m_deleteButton, &QToolButton::clicked, this, &ProfileListPanel::deleteCurrent);
    connect(undo, &QPushButton::clicked, this, &ProfileListPanel::undoDelete);
    connect(dismiss, &QToolButton::clicked, this, &ProfileListPanel::finishPendingDelete);
    connect(m_search, &QLineEdit::textChanged, this, &ProfileListPanel::applyFilter);
    connect(m_list, &QListWidget::currentItemChanged, this, &ProfileListPanel::onSelectionChanged);
    connect(m_list, &QListWidget::itemActivated, this, [this] { editCurrent(); });

    if (m_context.profiles)
        connect(m_context.profiles, &ProfileStore::changed, this, &ProfileListPanel::rebuild);
    if (m_context.secrets)
        connect(m_context.secrets, &SecretStore::availabilityChanged, this, &ProfileListPanel::updateKeychainLabel);
    connect(&profileStates(m_context), &ProfileStateModel::changed, this, &ProfileListPanel::refreshState);
    rebuild();
    m_autoSelect = true;
    updateKeychainLabel();
}

void ProfileListPanel::chooseImportJson()
{
    chooseFile(false, tr("Import profiles"), tr("Profiles (*.json);;All files (*)"), &ProfileListPanel::importJson);
}

void ProfileListPanel::chooseExportJson()
{
    chooseFile(true, tr("Export profiles"), tr("Profiles (*.json)"), &ProfileListPanel::exportJson);
}

void ProfileListPanel::reloadProfiles()
{
    if (!m_context.profiles)
        return;
    const Status st = m_context.profiles->load();
    if (st)
        showNotice(tr("Reloaded %1.").arg(QDir::toNativeSeparators(m_context.profiles->filePath()).toHtmlEscaped()), false);
    else
        showNotice(tr("✗ %1").arg(st.error().toHtmlEscaped()), true);
    if (m_context.activity)
        m_context.activity->info(QStringLiteral("profiles"), tr("reloaded %n profile(s) from %1", nullptr, int(m_context.profiles->profiles().size()))
                                                                 .arg(QDir::toNativeSeparators(m_context.profiles->filePath())));
}

void ProfileListPanel::updateBanner()
{
    const ProfileStore* store = m_context.profiles;
    if (!store || !store->isReadOnly()) {
        m_banner->hide();
        return;
    }
    m_banner->setText(tr("⚠ Profiles are read-only: %1").arg(store->loadError()));
    m_banner->show();
}

void ProfileListPanel::updateKeychainLabel()
{
    // Plain language; the keychain library's own words only behind "Details".
    const SecretStore* secrets = m_context.secrets;
    if (!secrets) {
        m_keychain->clear();
        return;
    }
    switch (secrets->availability()) {
    case SecretStore::Availability::Available:
        m_keychain->setText(tr("🔑 Passwords are saved in the system keychain."));
        m_keychain->setToolTip({});
        break;
    case SecretStore::Availability::Unavailable:
        m_keychain->setText(m_keychainDetails
                                ? tr("🔑 No system keychain: passwords are asked for each time. <a href=\"hide\">Hide details</a><br><small>%1</small>")
                                      .arg(secrets->unavailableReason().toHtmlEscaped())
                                : tr("🔑 No system keychain: passwords are asked for each time. <a href=\"details\">Details</a>"));
        m_keychain->setToolTip(secrets->unavailableReason());
        break;
    case SecretStore::Availability::Unknown:
        m_keychain->setText(tr("🔑 Looking for the system keychain…"));
        break;
    }
}

void ProfileListPanel::rebuild()
{
    updateBanner();
    const QUuid selected = m_current ? m_current->id : QUuid();
    const QSignalBlocker block(m_list);
    m_list->clear();
    if (!m_context.profiles)
        return;
    QListWidgetItem* toSelect = nullptr;
    for (const Profile& p : m_context.profiles->profiles()) {
        auto* item = new QListWidgetItem(m_list);
        updateItem(item, p);
        if (p.id == selected)
            toSelect = item;
    }
    applyFilter();
    if (!m_autoSelect) {
        for (QToolButton* b : {m_editButton, m_duplicateButton, m_deleteButton})
            b->setEnabled(m_current.has_value());
        return;
    }
    if (!toSelect && m_list->count() > 0 && !m_list->item(0)->isHidden())
        toSelect = m_list->item(0);
    m_list->setCurrentItem(toSelect);
    onSelectionChanged();
}

void ProfileListPanel::selectFirst()
{
    for (int i = 0; i < m_list->count(); ++i)
        if (!m_list->item(i)->isHidden()) {
            m_list->setCurrentItem(m_list->item(i));
            return;
        }
}

void ProfileListPanel::updateItem(QListWidgetItem* item, const Profile& p)
{
    const ProfileState::Headline h = profileStates(m_context).state(p.id).headline();
    const QString& state = h.state;
    const QString& sentence = h.sentence;
    item->setData(Qt::UserRole, p.id);
    item->setText(QStringLiteral("%1 — %2").arg(p.name, state));
    item->setIcon(dotIcon(stateColour(state)));
    QString tip = QStringLiteral("<b>%1</b>: %2 — %3").arg(p.name.toHtmlEscaped(), state, sentence.toHtmlEscaped());
    if (!p.publicUrl.isEmpty())
        tip += QStringLiteral("<br>") + p.publicUrl.toHtmlEscaped();
    if (p.ssh.isConfigured())
        tip += QStringLiteral("<br>ssh ") + (p.ssh.user.isEmpty() ? p.ssh.host : p.ssh.user + u'@' + p.ssh.host).toHtmlEscaped();
    if (m_context.profiles && m_context.profiles->isSessionProfile(p.id))
        tip += tr("<br><i>this session only (the profile file is read-only)</i>");
    item->setToolTip(tip);
    // Search matches name, URLs and SSH host.
    item->setData(Qt::UserRole + 1, QStringList{p.name, p.publicUrl, p.directUrl, p.ssh.host}.join(u' '));
}

void ProfileListPanel::applyFilter()
{
    const QString needle = m_search->text().trimmed();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        item->setHidden(!needle.isEmpty() && !item->data(Qt::UserRole + 1).toString().contains(needle, Qt::CaseInsensitive));
    }
    if (m_list->currentItem() && m_list->currentItem()->isHidden()) {
        for (int i = 0; i < m_list->count(); ++i)
            if (!m_list->item(i)->isHidden()) {
                m_list->setCurrentItem(m_list->item(i));
                return;
            }
        // Every profile filtered out: nothing is selected (setCurrentItem(nullptr) may not emit).
        m_list->setCurrentItem(nullptr);
        onSelectionChanged();
    }
}

void ProfileListPanel::onSelectionChanged()
{
    QListWidgetItem* item = m_list->currentItem();
    std::optional<Profile> next;
    if (item && !item->isHidden() && m_context.profiles)
        next = m_context.profiles->findById(item->data(Qt::UserRole).toUuid());
    const bool same = next.has_value() == m_current.has_value() && (!next || *next == *m_current);
    m_current = next;
    for (QToolButton* b : {m_editButton, m_duplicateButton, m_deleteButton})
        b->setEnabled(m_current.has_value());
    if (!same)
        emit currentProfileChanged(m_current ? &*m_current : nullptr);
}

void ProfileListPanel::selectProfile(const QUuid& id)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toUuid() == id && !m_list->item(i)->isHidden())
            m_list->setCurrentItem(m_list->item(i));
}

void ProfileListPanel::refreshState(const QUuid& id)
{
    if (!m_context.profiles)
        return;
    const std::optional<Profile> p = m_context.profiles->findById(id);
    for (int i = 0; p && i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toUuid() == id)
            updateItem(m_list->item(i), *p);
}

void ProfileListPanel::showNotice(const QString& html, bool problem)
{
    QString text = html;
    // A save refused because the file changed on disk: offer the reload right there.
    if (problem && text.contains(QLatin1String("changed by another program")))
        text += tr(" <a href=\"reload\">Reload profiles</a>");
    m_notice->showMessage(text, problem ? Banner::Kind::Error : Banner::Kind::Success);
}

void ProfileListPanel::showHint(const QString& html)
{
    m_notice->showMessage(html, Banner::Kind::Info);
}

QString ProfileListPanel::noticeText() const { return m_notice->text(); }

void ProfileListPanel::placeUndo()
{
    constexpr int kGap = 6; // as the notice's
    const QRect list = m_list->geometry();
    const int width = std::max(0, list.width() - 2 * kGap);
    QLayout* layout = m_undoFrame->layout();
    const int height
        = layout->hasHeightForWidth() ? layout->totalHeightForWidth(width) : m_undoFrame->sizeHint().height();
    int bottom = list.bottom() + 1 - kGap;
    if (!m_notice->isHidden())
        bottom = std::min(bottom, m_notice->geometry().top() - kGap);
    m_undoFrame->setGeometry(list.left() + kGap, std::max(list.top(), bottom - height), width, height);
}

bool ProfileListPanel::eventFilter(QObject* watched, QEvent* event)
{
    if ((watched == m_list || watched == m_notice) && !m_undoFrame->isHidden()) {
        switch (event->type()) {
        case QEvent::Resize:
        case QEvent::Move:
        case QEvent::Show:
        case QEvent::Hide:
            placeUndo();
            m_undoFrame->raise();
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

ProfileEditorDialog* ProfileListPanel::openEditor(const Profile& profile, bool isNew)
{
    ProfileStore* store = m_context.profiles;
    if (!store)
        return nullptr;
    auto* dialog = new ProfileEditorDialog(
        profile, [store](const Profile& p) { return store->validate(p); }, m_context.secrets, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, isNew] {
        const Profile p = dialog->profile();
        const Status st = isNew ? m_context.profiles->add(p) : m_context.profiles->update(p);
        if (!st) {
            showNotice(tr("✗ Not saved: %1").arg(st.error().toHtmlEscaped()), true);
            return;
        }
        dialog->storeSecrets(this, [this](const QString& error) { showNotice(tr("✗ %1").arg(error.toHtmlEscaped()), true); });
        showNotice(isNew ? tr("Added '%1'.").arg(p.name.toHtmlEscaped()) : tr("Saved '%1'.").arg(p.name.toHtmlEscaped()), false);
        if (m_context.activity)
            m_context.activity->info(QStringLiteral("profiles"), isNew ? tr("added profile %1").arg(p.name) : tr("saved profile %1").arg(p.name));
        selectProfile(p.id);
    });
    dialog->open();
    return dialog;
}

ProfileEditorDialog* ProfileListPanel::addProfile()
{
    Profile p;
    return openEditor(p, true);
}

ProfileEditorDialog* ProfileListPanel::editCurrent()
{
    return m_current ? openEditor(*m_current, false) : nullptr;
}

void ProfileListPanel::duplicateCurrent()
{
    if (!m_current || !m_context.profiles)
        return;
    Profile copy = *m_current;
    copy.id = QUuid::createUuid();
    copy.builtinDemo = false;
    copy.name = tr("%1 (copy)").arg(m_current->name);
    for (int n = 2; m_context.profiles->find(copy.name); ++n)
        copy.name = tr("%1 (copy %2)").arg(m_current->name).arg(n);
    if (const Status st = m_context.profiles->add(copy); !st) {
        showNotice(tr("✗ Not duplicated: %1").arg(st.error().toHtmlEscaped()), true);
        return;
    }
    showNotice(tr("Duplicated as '%1' (saved passwords are not copied).").arg(copy.name.toHtmlEscaped()), false);
    selectProfile(copy.id);
}

void ProfileListPanel::deleteCurrent()
{
    if (!m_current || !m_context.profiles)
        return;
    const Profile victim = *m_current;
    if (const Status st = m_context.profiles->remove(victim.id); !st) {
        showNotice(tr("✗ Not deleted: %1").arg(st.error().toHtmlEscaped()), true);
        return;
    }
    finishPendingDelete();
    m_lastDeleted = victim;
    m_undoLabel->setText(tr("Deleted '%1'.").arg(victim.name.toHtmlEscaped()));
    showNotice(QString(), false);
    placeUndo();
    m_undoFrame->show();
    m_undoFrame->raise();
    if (m_context.activity)
        m_context.activity->info(QStringLiteral("profiles"), tr("deleted profile %1").arg(victim.name));
}

void ProfileListPanel::undoDelete()
{
    if (!m_lastDeleted || !m_context.profiles)
        return;
    const Profile back = *m_lastDeleted;
    if (const Status st = m_context.profiles->add(back); !st) {
        showNotice(tr("✗ Could not restore '%1': %2").arg(back.name.toHtmlEscaped(), st.error().toHtmlEscaped()), true);
        return;
    }
    m_lastDeleted.reset();
    m_undoFrame->hide();
    selectProfile(back.id);
}

void ProfileListPanel::finishPendingDelete()
{
    // The deleted profile's secrets leave the keychain only once undo is no longer offered.
    if (m_lastDeleted && m_context.secrets)
        m_context.secrets->removeAll(m_lastDeleted->id, this, [this](const Status& st) {
            if (!st)
                showNotice(tr("✗ %1").arg(st.error().toHtmlEscaped()), true);
        });
    m_lastDeleted.reset();
    m_undoFrame->hide();
}

static QString reportHtml(const QString& what, const ImportReport& r)
{
    QStringList lines;
    lines << QObject::tr("%1: %2 added, %3 skipped.").arg(what.toHtmlEscaped()).arg(r.added.size()).arg(r.skipped.size());
    for (const QString& s : r.skipped)
        lines << QStringLiteral("✗ ") + s.toHtmlEscaped();
    for (const QString& s : r.notes)
        lines << QStringLiteral("• ") + s.toHtmlEscaped();
    return lines.join(QStringLiteral("<br>"));
}

void ProfileListPanel::importSshConfig(const QString& path)
{
    if (!m_context.profiles || path.isEmpty())
        return;
    if (!QFileInfo(path).isFile()) {
        showNotice(tr("✗ %1 does not exist.").arg(QDir::toNativeSeparators(path).toHtmlEscaped()), true);
        return;
    }
    const SshConfigParse parsed = SshConfigImporter::parseFile(path);
    QList<Profile> incoming;
    for (const SshConfigHost& h : parsed.hosts)
        incoming << SshConfigImporter::toProfile(h);
    ImportReport report = m_context.profiles->importProfiles(incoming);
    report.notes << parsed.warnings;
    showNotice(reportHtml(QDir::toNativeSeparators(path), report), !report.skipped.isEmpty());
}

void ProfileListPanel::importJson(const QString& path)
{
    if (!m_context.profiles || path.isEmpty())
        return;
    const Result<QList<Profile>> incoming = ProfileStore::readFile(path);
    if (!incoming) {
        showNotice(tr("✗ %1").arg(incoming.error().toHtmlEscaped()), true);
        return;
    }
    const ImportReport report = m_context.profiles->importProfiles(*incoming);
    showNotice(reportHtml(QDir::toNativeSeparators(path), report), !report.skipped.isEmpty());
}

void ProfileListPanel::exportJson(const QString& path)
{
    if (!m_context.profiles || path.isEmpty())
        return;
    const QList<Profile> all = m_context.profiles->profiles();
    if (const Status st = ProfileStore::exportTo(path, all); !st) {
        showNotice(tr("✗ %1").arg(st.error().toHtmlEscaped()), true);
        return;
    }
    showNotice(tr("Exported %1 profile(s) to %2 (no passwords).").arg(all.size()).arg(QDir::toNativeSeparators(path).toHtmlEscaped()), false);
}

void ProfileListPanel::chooseExportModules(bool selectedOnly)
{
    auto* dialog = new QFileDialog(this, selectedOnly ? tr("Export the exporter module of this profile") : tr("Export exporter modules"),
                                   QDir::homePath(), tr("Exporter modules (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    connect(dialog, &QFileDialog::fileSelected, this, [this, selectedOnly](const QString& file) { exportModules(file, selectedOnly); });
    dialog->open();
}

void ProfileListPanel::exportModules(const QString& path, bool selectedOnly)
{
    if (!m_context.profiles || path.isEmpty())
        return;
    QList<Profile> profiles;
    if (!selectedOnly)
        profiles = m_context.profiles->profiles();
    else if (m_current)
        profiles << *m_current;
    if (profiles.isEmpty()) {
        showNotice(tr("✗ No profile to export: select one."), true);
        return;
    }
    const ModulesExport exported = modulesFromProfiles(profiles);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(exported.json) != exported.json.size() || !out.commit()) {
        showNotice(tr("✗ Cannot write %1: %2").arg(QDir::toNativeSeparators(path), out.errorString()).toHtmlEscaped(), true);
        return;
    }
    QString text = tr("Exported %n exporter module(s) to %1 (no secrets): socketscope-cli exporter --modules FILE.", nullptr, exported.count)
                       .arg(QDir::toNativeSeparators(path));
    if (!exported.envNames.isEmpty())
        text += tr(" Before starting the exporter, set (from your secret store): %1.").arg(exported.envNames.join(QStringLiteral(", ")));
    // What to do with the file is an instruction: a neutral notice, not a green one.
    showHint(text.toHtmlEscaped());
}

void ProfileListPanel::chooseFile(bool save, const QString& title, const QString& filter,
                                  void (ProfileListPanel::*then)(const QString&))
{
    auto* dialog = new QFileDialog(this, title, QDir::homePath(), filter);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(save ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    dialog->setFileMode(save ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    if (save)
        dialog->setDefaultSuffix(QStringLiteral("json"));
    connect(dialog, &QFileDialog::fileSelected, this, [this, then](const QString& file) { (this->*then)(file); });
    dialog->open();
}

} // namespace socketscope
