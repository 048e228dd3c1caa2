// SPDX-License-Identifier: GPL-3.0-or-later
// The profile list panel: search, state word + colour, add through the editor with inline
// validation, duplicate, delete with undo, JSON export/import, ~/.ssh/config import.
#include "AppContext.h"
#include "common/Banner.h"
#include "core/ActivityLog.h"
#include "exporter/ExporterModules.h"
#include "lab/Lab.h"
#include "profiles/ProfileEditorDialog.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct PanelFixture : ::testing::Test {
    QTemporaryDir dir;
    ActivityLog activity;
    ProfileStore store{dir.filePath(QStringLiteral("profiles.json"))};
    SecretStore secrets{QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces)};
    AppContext context;
    std::unique_ptr<ProfileListPanel> panel;

    void SetUp() override
    {
        ASSERT_TRUE(store.load().ok());
        for (const char* name : {"neo4j-prod", "bindplane", "staging-api"}) {
            Profile p;
            p.name = QString::fromLatin1(name);
            p.publicUrl = QStringLiteral("wss://%1.example.com/ws").arg(p.name);
            ASSERT_TRUE(store.add(p).ok());
        }
        context.activity = &activity;
        context.profiles = &store;
        context.secrets = &secrets;
        panel = std::make_unique<ProfileListPanel>(context);
        panel->selectFirst();
    }
    QListWidget* list() const { return panel->findChild<QListWidget*>(QStringLiteral("profileListWidget")); }
    QStringList visible() const
    {
        QStringList out;
        for (int i = 0; i < list()->count(); ++i)
            if (!list()->item(i)->isHidden())
                out << list()->item(i)->text();
        return out;
    }
};

} // namespace

TEST_F(PanelFixture, SearchFiltersByNameAndUrl)
{
    EXPECT_EQ(visible().size(), 3);
    panel->findChild<QLineEdit*>(QStringLiteral("searchLineEdit"))->setText(QStringLiteral("BIND"));
    EXPECT_EQ(visible(), QStringList{QStringLiteral("bindplane — unknown")});
    panel->findChild<QLineEdit*>(QStringLiteral("searchLineEdit"))->setText(QStringLiteral("staging-api.example"));
    EXPECT_EQ(visible(), QStringList{QStringLiteral("staging-api — unknown")});
    EXPECT_EQ(panel->currentProfile()->name, QStringLiteral("staging-api")) << "selection follows the filter";
}

TEST_F(PanelFixture, StateIsShownAsWordAndColour)
{
    const Profile prod = *store.find(QStringLiteral("neo4j-prod"));
    // The list renders the application's state model (issue 16: one state per profile).
    ProbeResult cut;
    cut.cause = QStringLiteral("idle_timeout");
    cut.httpStatus = 101;
    cut.idleCutoffS = 60.0;
    profileStates(context).beginProbe(prod.id, {ProbeHop{QStringLiteral("public"), QStringLiteral("wss://neo4j.example.com/ws"), {}, false}});
    profileStates(context).setHopResult(prod.id, 0, cut);
    const QString sentence = profileStates(context).state(prod.id).probe.sentence;
    ASSERT_FALSE(sentence.isEmpty());
    QListWidgetItem* item = list()->item(0);
    EXPECT_EQ(item->text(), QStringLiteral("neo4j-prod — degraded"));
    EXPECT_TRUE(item->toolTip().contains(sentence.toHtmlEscaped())) << item->toolTip().toStdString();
    const QImage dot = item->icon().pixmap(16, 16).toImage();
    EXPECT_EQ(dot.pixelColor(8, 8), QColor(0xd0, 0x8a, 0x00));
    // The state survives a rebuild of the list (e.g. after another profile changed).
    Profile other = *store.find(QStringLiteral("bindplane"));
    other.notes = QStringLiteral("changed");
    ASSERT_TRUE(store.update(other).ok());
    EXPECT_EQ(list()->item(0)->text(), QStringLiteral("neo4j-prod — degraded"));
}

TEST_F(PanelFixture, EditorValidatesInlineAndSavesANewProfile)
{
    ProfileEditorDialog* editor = panel->addProfile();
    ASSERT_NE(editor, nullptr);
    auto* save = editor->findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"))->button(QDialogButtonBox::Save);
    auto* issues = editor->findChild<QLabel*>(QStringLiteral("issuesLabel"));
    auto* name = editor->findChild<QLineEdit*>(QStringLiteral("nameLineEdit"));
    auto* url = editor->findChild<QLineEdit*>(QStringLiteral("publicUrlLineEdit"));
    EXPECT_FALSE(save->isEnabled()) << "an empty name cannot be saved";
    EXPECT_TRUE(issues->text().contains(QStringLiteral("give the profile a name")));
    name->setText(QStringLiteral("BINDPLANE"));
    EXPECT_TRUE(issues->text().contains(QStringLiteral("already exists"))) << issues->text().toStdString();
    name->setText(QStringLiteral("grafana-live"));
    url->setText(QStringLiteral("https://grafana.example.com/api/live/ws"));
    EXPECT_FALSE(save->isEnabled());
    EXPECT_TRUE(issues->text().contains(QStringLiteral("use wss:// instead of https://"))) << issues->text().toStdString();
    EXPECT_FALSE(url->styleSheet().isEmpty()) << "the offending field is highlighted";
    // For looking at the editor: SOCKETSCOPE_TEST_GRAB_DIR=/tmp/x build/dev/tests/test_gui
    if (const QString grabDir = qEnvironmentVariable("SOCKETSCOPE_TEST_GRAB_DIR"); !grabDir.isEmpty())
    {
        editor->grab().save(grabDir + QStringLiteral("/profile-editor.png"));
        auto* tabs = editor->findChild<QTabWidget*>(QStringLiteral("sectionsTabWidget"));
        tabs->setCurrentIndex(2);
        editor->grab().save(grabDir + QStringLiteral("/profile-editor-ssh.png"));
        tabs->setCurrentIndex(0);
    }
    url->setText(QStringLiteral("wss://grafana.example.com/api/live/ws"));
    EXPECT_TRUE(save->isEnabled());
    EXPECT_TRUE(url->styleSheet().isEmpty());
    auto* app = editor->findChild<QComboBox*>(QStringLiteral("appProtocolComboBox"));
    ASSERT_NE(app, nullptr);
    EXPECT_EQ(app->currentText(), QStringLiteral("auto"));
    EXPECT_EQ(app->count(), appProtocolNames().size());
    app->setCurrentIndex(app->findText(QStringLiteral("socketio")));
    save->click();
    ASSERT_TRUE(store.find(QStringLiteral("grafana-live")).has_value());
    EXPECT_EQ(store.find(QStringLiteral("grafana-live"))->publicUrl, QStringLiteral("wss://grafana.example.com/api/live/ws"));
    EXPECT_EQ(store.find(QStringLiteral("grafana-live"))->app, AppProtocolId::SocketIo);
    EXPECT_EQ(panel->currentProfile()->name, QStringLiteral("grafana-live"));
}

// Issue 17: the profile's logs (nginx error/access, app log with its format, HAProxy) are edited
// in the editor, saved, and shown again when the profile is edited.
TEST_F(PanelFixture, EditorSavesTheProfilesLogsAndTheAppLogFormat)
{
    ProfileEditorDialog* editor = panel->addProfile();
    ASSERT_NE(editor, nullptr);
    editor->findChild<QLineEdit*>(QStringLiteral("nameLineEdit"))->setText(QStringLiteral("chain"));
    editor->findChild<QLineEdit*>(QStringLiteral("publicUrlLineEdit"))->setText(QStringLiteral("wss://chain.example.com/ws"));
    editor->findChild<QLineEdit*>(QStringLiteral("appLogLineEdit"))->setText(QStringLiteral("/srv/app/uvicorn.log"));
    editor->findChild<QLineEdit*>(QStringLiteral("accessLogLineEdit"))->setText(QStringLiteral("/var/log/nginx/access.log"));
    auto* haproxy = editor->findChild<QLineEdit*>(QStringLiteral("haproxyLogLineEdit"));
    ASSERT_NE(haproxy, nullptr);
    haproxy->setText(QStringLiteral("var/log/haproxy.log"));
    auto* save = editor->findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"))->button(QDialogButtonBox::Save);
    auto* issues = editor->findChild<QLabel*>(QStringLiteral("issuesLabel"));
    EXPECT_FALSE(save->isEnabled()) << "a relative path on the server is refused";
    EXPECT_TRUE(issues->text().contains(QStringLiteral("var/log/haproxy.log"))) << issues->text().toStdString();
    haproxy->setText(QStringLiteral("/var/log/haproxy.log"));
    auto* format = editor->findChild<QComboBox*>(QStringLiteral("appLogFormatComboBox"));
    ASSERT_NE(format, nullptr);
    EXPECT_EQ(format->currentIndex(), 0) << "Auto (detected) by default";
    format->setCurrentIndex(format->findData(QStringLiteral("python")));
    ASSERT_TRUE(save->isEnabled()) << issues->text().toStdString();
    save->click();
    const auto saved = store.find(QStringLiteral("chain"));
    ASSERT_TRUE(saved.has_value());
    EXPECT_EQ(saved->logs.appLog, QStringLiteral("/srv/app/uvicorn.log"));
    EXPECT_EQ(saved->logs.appLogFormat, logs::LogFormat::Python);
    EXPECT_EQ(saved->logs.nginxAccessLog, QStringLiteral("/var/log/nginx/access.log"));
    EXPECT_EQ(saved->logs.haproxyLog, QStringLiteral("/var/log/haproxy.log"));

    ProfileEditorDialog* again = panel->editCurrent();
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->findChild<QComboBox*>(QStringLiteral("appLogFormatComboBox"))->currentData().toString(), QStringLiteral("python"));
    EXPECT_EQ(again->findChild<QLineEdit*>(QStringLiteral("haproxyLogLineEdit"))->text(), QStringLiteral("/var/log/haproxy.log"));
    EXPECT_EQ(again->profile(), *saved);
    again->reject();
}

// Issue 12: the GUI exports the Prometheus exporter's modules of the selected profile or of all
// profiles (More menu, File menu); the file loads in the exporter and holds no secret.
TEST_F(PanelFixture, ExportsTheExporterModulesOfTheSelectedOrAllProfiles)
{
    Profile p = *store.find(QStringLiteral("bindplane"));
    p.origin = QStringLiteral("https://bindplane.example.com");
    p.app = AppProtocolId::SocketIo;
    p.extraHeaders = {{QStringLiteral("X-Tenant"), QStringLiteral("blue")}, {QStringLiteral("Authorization"), QStringLiteral("Bearer t0ps3cret")}};
    ASSERT_TRUE(store.update(p).ok());
    EXPECT_NE(panel->findChild<QAction*>(QStringLiteral("exportModulesAllAction")), nullptr);
    EXPECT_NE(panel->findChild<QAction*>(QStringLiteral("exportModulesSelectedAction")), nullptr);

    const QString all = dir.filePath(QStringLiteral("modules-all.json"));
    panel->exportModules(all, false);
    const auto loaded = ModuleSet::load(all);
    ASSERT_TRUE(loaded.ok()) << loaded.error().toStdString() << panel->noticeText().toStdString();
    for (const char* name : {"neo4j-prod", "bindplane", "staging-api", "default"})
        EXPECT_TRUE(loaded->names().contains(QString::fromLatin1(name))) << name;
    const QByteArray text = lab::readAll(all);
    EXPECT_FALSE(text.contains("t0ps3cret")) << text.constData();
    EXPECT_TRUE(text.contains("https://bindplane.example.com")) << text.constData();
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("3 exporter module"))) << panel->noticeText().toStdString();
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("SOCKETSCOPE_"))) << "the variable to set is named: " << panel->noticeText().toStdString();
    // Issue 16: "set … before starting the exporter" is an instruction: a neutral notice, not green.
    auto* notice = panel->findChild<Banner*>(QStringLiteral("noticeFrame"));
    ASSERT_NE(notice, nullptr);
    EXPECT_EQ(notice->kind(), Banner::Kind::Info) << panel->noticeText().toStdString();

    panel->selectProfile(p.id);
    const QString one = dir.filePath(QStringLiteral("modules-one.json"));
    panel->exportModules(one, true);
    const auto single = ModuleSet::load(one);
    ASSERT_TRUE(single.ok()) << single.error().toStdString();
    EXPECT_EQ(single->names(), QStringList({QStringLiteral("bindplane"), QStringLiteral("default")}));
    const ExporterModule* m = single->find(QStringLiteral("bindplane"));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->options.origin, QStringLiteral("https://bindplane.example.com"));
    EXPECT_EQ(m->options.app, AppProtocolId::SocketIo);
}

TEST_F(PanelFixture, DuplicateThenDeleteWithUndo)
{
    panel->selectProfile(store.find(QStringLiteral("neo4j-prod"))->id);
    panel->duplicateCurrent();
    ASSERT_TRUE(store.find(QStringLiteral("neo4j-prod (copy)")).has_value());
    EXPECT_EQ(store.find(QStringLiteral("neo4j-prod (copy)"))->publicUrl, store.find(QStringLiteral("neo4j-prod"))->publicUrl);
    EXPECT_EQ(panel->currentProfile()->name, QStringLiteral("neo4j-prod (copy)"));

    const Profile victim = *panel->currentProfile();
    panel->deleteCurrent();
    EXPECT_FALSE(store.findById(victim.id).has_value());
    auto* undoFrame = panel->findChild<QFrame*>(QStringLiteral("undoFrame"));
    EXPECT_FALSE(undoFrame->isHidden());
    panel->findChild<QPushButton*>(QStringLiteral("undoDeletePushButton"))->click();
    ASSERT_TRUE(store.findById(victim.id).has_value());
    EXPECT_EQ(*store.findById(victim.id), victim) << "undo restores the same profile (same id: keychain entries still match)";
    EXPECT_TRUE(undoFrame->isHidden());

    ProfileStore reread(store.filePath());
    ASSERT_TRUE(reread.load().ok());
    EXPECT_EQ(reread.profiles().size(), 4);
}

// Issue 16: the Undo offer after a delete floats over the list: the search field, the list and
// the buttons keep their exact geometry while it shows, and it steps aside for a notice.
TEST_F(PanelFixture, TheUndoOfferMovesNothing)
{
    panel->resize(300, 600);
    panel->show();
    QCoreApplication::processEvents();
    const QStringList names{QStringLiteral("searchLineEdit"), QStringLiteral("profileListWidget"), QStringLiteral("addToolButton"),
                            QStringLiteral("editToolButton"), QStringLiteral("deleteToolButton"), QStringLiteral("moreToolButton")};
    const auto geometries = [&] {
        QList<QRect> out;
        for (const QString& name : names) {
            auto* w = panel->findChild<QWidget*>(name);
            EXPECT_NE(w, nullptr) << name.toStdString();
            out << (w ? QRect(w->mapTo(panel.get(), QPoint(0, 0)), w->size()) : QRect());
        }
        return out;
    };
    const QList<QRect> before = geometries();

    panel->selectProfile(store.find(QStringLiteral("bindplane"))->id);
    panel->deleteCurrent();
    QCoreApplication::processEvents();
    auto* undoFrame = panel->findChild<QFrame*>(QStringLiteral("undoFrame"));
    ASSERT_NE(undoFrame, nullptr);
    ASSERT_TRUE(undoFrame->isVisible());
    EXPECT_EQ(geometries(), before);
    auto* listWidget = list();
    const QRect listRect(listWidget->mapTo(panel.get(), QPoint(0, 0)), listWidget->size());
    const QRect undoRect(undoFrame->mapTo(panel.get(), QPoint(0, 0)), undoFrame->size());
    EXPECT_TRUE(listRect.contains(undoRect)) << "floats over the list";
    EXPECT_GT(undoRect.height(), 0);
    auto* undo = panel->findChild<QPushButton*>(QStringLiteral("undoDeletePushButton"));
    EXPECT_TRUE(undo->isVisible());
    EXPECT_GE(undo->width(), undo->sizeHint().width()) << "the Undo button is not squeezed";

    // A notice while the Undo offer shows: neither covers the other, and still nothing moves.
    panel->exportJson(dir.filePath(QStringLiteral("export.json")));
    QCoreApplication::processEvents();
    auto* notice = panel->findChild<QWidget*>(QStringLiteral("noticeFrame"));
    ASSERT_TRUE(notice && notice->isVisible());
    ASSERT_TRUE(undoFrame->isVisible());
    const QRect noticeRect(notice->mapTo(panel.get(), QPoint(0, 0)), notice->size());
    const QRect undoNow(undoFrame->mapTo(panel.get(), QPoint(0, 0)), undoFrame->size());
    EXPECT_FALSE(noticeRect.intersects(undoNow)) << "undo " << undoNow.y() << "+" << undoNow.height() << ", notice " << noticeRect.y();
    EXPECT_EQ(geometries(), before);
    // For looking at it: SOCKETSCOPE_TEST_GRAB_DIR=/tmp/x build/ci/tests/test_gui --gtest_filter='*Undo*'
    if (const QString grabDir = qEnvironmentVariable("SOCKETSCOPE_TEST_GRAB_DIR"); !grabDir.isEmpty())
        panel->grab().save(grabDir + QStringLiteral("/profile-list-undo.png"));

    undo->click();
    QCoreApplication::processEvents();
    EXPECT_TRUE(undoFrame->isHidden());
    EXPECT_EQ(geometries(), before);
}

// Issue 16: the editor's examples fit any WebSocket service, not one product (Neo4j, Bolt, 7687).
TEST_F(PanelFixture, EditorPlaceholdersAreNotProductSpecific)
{
    ProfileEditorDialog* editor = panel->addProfile();
    ASSERT_NE(editor, nullptr);
    int seen = 0;
    for (QLineEdit* e : editor->findChildren<QLineEdit*>()) {
        const QString text = e->placeholderText();
        seen += !text.isEmpty();
        for (const char* word : {"neo4j", "bolt", "7687"})
            EXPECT_FALSE(text.contains(QString::fromLatin1(word), Qt::CaseInsensitive)) << e->objectName().toStdString() << ": " << text.toStdString();
    }
    EXPECT_GT(seen, 10);
    editor->reject();
}

TEST_F(PanelFixture, ExportThenImportReportsClashesInline)
{
    const QString exported = dir.filePath(QStringLiteral("export.json"));
    panel->exportJson(exported);
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("Exported 3 profile(s)"))) << panel->noticeText().toStdString();
    panel->importJson(exported);
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("0 added, 3 skipped"))) << panel->noticeText().toStdString();
    EXPECT_EQ(store.profiles().size(), 3);
    panel->importJson(dir.filePath(QStringLiteral("missing.json")));
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("missing.json")));
}

TEST_F(PanelFixture, ImportsHostsFromAnSshConfigFile)
{
    const QString config = dir.filePath(QStringLiteral("ssh_config"));
    ASSERT_TRUE(lab::writeFile(config, "Host web1\n  HostName 10.0.0.5\n  User deploy\n  ProxyJump ops@bastion:2200\nHost *\n  Port 2222\n"));
    panel->importSshConfig(config);
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("1 added"))) << panel->noticeText().toStdString();
    const std::optional<Profile> web1 = store.find(QStringLiteral("web1"));
    ASSERT_TRUE(web1.has_value());
    EXPECT_EQ(web1->ssh.host, QStringLiteral("10.0.0.5"));
    EXPECT_EQ(web1->ssh.port, 2222);
    EXPECT_EQ(web1->ssh.jumpHost, QStringLiteral("ops@bastion:2200"));
    EXPECT_TRUE(visible().contains(QStringLiteral("web1 — unknown")));
}

TEST_F(PanelFixture, FileChangedElsewhereIsNotOverwrittenAndCanBeReloaded)
{
    ProfileStore other(store.filePath()); // e.g. socketscope-cli in a terminal
    ASSERT_TRUE(other.load().ok());
    Profile fromCli;
    fromCli.name = QStringLiteral("added-by-cli");
    ASSERT_TRUE(other.add(fromCli).ok());
    const QByteArray onDisk = lab::readAll(store.filePath());

    panel->duplicateCurrent();
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("changed by another program"))) << panel->noticeText().toStdString();
    EXPECT_TRUE(panel->noticeText().contains(QStringLiteral("Reload profiles")));
    EXPECT_EQ(lab::readAll(store.filePath()), onDisk);

    // Issue 16: the link answers a real mouse click (the label lets links take the mouse): click
    // across the label until a click lands on the link.
    auto* notice = panel->findChild<QLabel*>(QStringLiteral("noticeLabel"));
    panel->resize(300, 600);
    panel->show();
    QCoreApplication::processEvents();
    ASSERT_TRUE(notice->isVisible());
    QSignalSpy activated(notice, &QLabel::linkActivated);
    for (int y = 2; y < notice->height() && activated.isEmpty(); y += 4)
        for (int x = 2; x < notice->width() && activated.isEmpty(); x += 6)
            QTest::mouseClick(notice, Qt::LeftButton, {}, QPoint(x, y));
    ASSERT_EQ(activated.count(), 1) << "no click on the notice activated its link";
    EXPECT_EQ(activated.first().first().toString(), QStringLiteral("reload"));
    EXPECT_TRUE(visible().contains(QStringLiteral("added-by-cli — unknown")));
    panel->duplicateCurrent();
    EXPECT_EQ(store.profiles().size(), 5);
}

// Issue 16: a header line without a colon is refused with a clear message (it used to be saved
// as a header with an empty value); a URL with a space gets a sentence, not Qt's parser error.
TEST_F(PanelFixture, EditorRefusesAHeaderWithoutColonAndExplainsASpaceInTheUrl)
{
    ProfileEditorDialog* editor = panel->addProfile();
    ASSERT_NE(editor, nullptr);
    auto* save = editor->findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"))->button(QDialogButtonBox::Save);
    auto* issues = editor->findChild<QLabel*>(QStringLiteral("issuesLabel"));
    editor->findChild<QLineEdit*>(QStringLiteral("nameLineEdit"))->setText(QStringLiteral("headers"));
    auto* url = editor->findChild<QLineEdit*>(QStringLiteral("publicUrlLineEdit"));
    url->setText(QStringLiteral("wss://chat.example.com/my socket"));
    EXPECT_FALSE(save->isEnabled());
    EXPECT_TRUE(issues->text().contains(QStringLiteral("contains a space"))) << issues->text().toStdString();
    EXPECT_FALSE(issues->text().contains(QStringLiteral("not allowed"))) << "not Qt's parser error";
    url->setText(QStringLiteral("wss://chat.example.com/ws"));
    auto* headers = editor->findChild<QPlainTextEdit*>(QStringLiteral("headersPlainTextEdit"));
    ASSERT_NE(headers, nullptr);
    headers->setPlainText(QStringLiteral("X-Tenant: blue\nXApiKeyWithoutColon"));
    EXPECT_FALSE(save->isEnabled());
    EXPECT_TRUE(issues->text().contains(QStringLiteral("has no colon"))) << issues->text().toStdString();
    EXPECT_FALSE(headers->styleSheet().isEmpty()) << "the headers field is highlighted";
    headers->setPlainText(QStringLiteral("X-Tenant: blue\nX-Api-Key: 42"));
    EXPECT_TRUE(save->isEnabled()) << issues->text().toStdString();
    editor->reject();
}

// Issue 16: the file fields have Browse…; the chosen file lands in the field.
TEST_F(PanelFixture, EditorFileFieldsHaveBrowse)
{
    ProfileEditorDialog* editor = panel->addProfile();
    ASSERT_NE(editor, nullptr);
    for (const char* name : {"caFileBrowseAction", "clientCertificateBrowseAction", "clientKeyBrowseAction", "keyFileBrowseAction",
                             "siteFileBrowseAction", "errorLogBrowseAction", "appLogBrowseAction", "accessLogBrowseAction",
                             "haproxyLogBrowseAction"})
        EXPECT_NE(editor->findChild<QAction*>(QString::fromLatin1(name)), nullptr) << name;
    editor->findChild<QAction*>(QStringLiteral("caFileBrowseAction"))->trigger();
    auto* dialog = editor->findChild<QFileDialog*>();
    ASSERT_NE(dialog, nullptr) << "Browse… opens a file dialog";
    emit dialog->fileSelected(QStringLiteral("/etc/ssl/certs/ca-certificates.crt"));
    EXPECT_EQ(editor->findChild<QLineEdit*>(QStringLiteral("caFileLineEdit"))->text(), QStringLiteral("/etc/ssl/certs/ca-certificates.crt"));
    dialog->reject();
    editor->reject();
}
