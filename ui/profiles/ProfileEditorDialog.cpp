// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileEditorDialog.h"

#include "profiles/SecretStore.h"
#include "ui_ProfileEditorDialog.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPushButton>
#include <QStyle>

namespace socketscope {

namespace {

QList<QPair<QString, QString>> parseHeaders(const QString& text)
{
    QList<QPair<QString, QString>> out;
    for (const QString& line : text.split(u'\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const qsizetype colon = line.indexOf(u':');
        if (colon < 0)
            out.append({line.trimmed(), QString()});
        else
            out.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    return out;
}

} // namespace

ProfileEditorDialog::ProfileEditorDialog(const Profile& profile,
                                         std::function<QList<ValidationIssue>(const Profile&)> validator,
                                         SecretStore* secrets, QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::ProfileEditorDialog>()), m_original(profile),
      m_validator(std::move(validator)), m_secrets(secrets)
{
    m_ui->setupUi(this);
    setWindowTitle(profile.name.isEmpty() ? tr("New profile") : tr("Edit profile — %1").arg(profile.name));
    m_ui->authComboBox->addItem(tr("SSH agent"), int(SshAccess::AuthMethod::Agent));
    m_ui->authComboBox->addItem(tr("Key file"), int(SshAccess::AuthMethod::KeyFile));
    m_ui->authComboBox->addItem(tr("Password"), int(SshAccess::AuthMethod::Password));
    m_fieldWidgets = {{QStringLiteral("name"), m_ui->nameLineEdit},
                      {QStringLiteral("publicUrl"), m_ui->publicUrlLineEdit},
                      {QStringLiteral("directUrl"), m_ui->directUrlLineEdit},
                      {QStringLiteral("origin"), m_ui->originLineEdit},
                      {QStringLiteral("headers"), m_ui->headersPlainTextEdit},
                      {QStringLiteral("subprotocols"), m_ui->subprotocolsLineEdit},
                      {QStringLiteral("tls.caFile"), m_ui->caFileLineEdit},
                      {QStringLiteral("tls.pinnedCertificate"), m_ui->pinnedCertificateLineEdit},
                      {QStringLiteral("tls.clientCertificate"), m_ui->clientCertificateLineEdit},
                      {QStringLiteral("tls.clientKey"), m_ui->clientKeyLineEdit},
                      {QStringLiteral("ssh.host"), m_ui->sshHostLineEdit},
                      {QStringLiteral("ssh.port"), m_ui->sshPortSpinBox},
                      {QStringLiteral("ssh.user"), m_ui->sshUserLineEdit},
                      {QStringLiteral("ssh.keyFile"), m_ui->keyFileLineEdit},
                      {QStringLiteral("ssh.jumpHost"), m_ui->jumpHostLineEdit},
                      {QStringLiteral("nginx.siteFile"), m_ui->siteFileLineEdit},
                      {QStringLiteral("nginx.enabledLink"), m_ui->enabledLinkLineEdit},
                      {QStringLiteral("nginx.testCommand"), m_ui->testCommandLineEdit},
                      {QStringLiteral("nginx.reloadCommand"), m_ui->reloadCommandLineEdit},
                      {QStringLiteral("nginx.backupDir"), m_ui->backupDirLineEdit},
                      {QStringLiteral("logs.nginxErrorLog"), m_ui->errorLogLineEdit},
                      {QStringLiteral("logs.appLog"), m_ui->appLogLineEdit},
                      {QStringLiteral("serviceName"), m_ui->serviceLineEdit},
                      {QStringLiteral("logs.appLogFormat"), m_ui->appLogFormatComboBox},
                      {QStringLiteral("logs.nginxAccessLog"), m_ui->accessLogLineEdit},
                      {QStringLiteral("logs.haproxyLog"), m_ui->haproxyLogLineEdit}};
    m_ui->appLogFormatComboBox->addItem(tr("Auto (detected from the first lines)"), QString());
    for (logs::LogFormat f : logs::allLogFormats())
        if (f != logs::LogFormat::Mixed)
            m_ui->appLogFormatComboBox->addItem(logs::logFormatName(f), logs::logFormatId(f));
    load(profile);

    // Browse… for the file fields (a folder icon at the field's end): certificates and keys are
    // on this machine; site and log files too when the profile acts on this machine.
    const auto browse = [this](QLineEdit* edit, const char* objectName, const QString& title) {
        QAction* a = edit->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), QLineEdit::TrailingPosition);
        a->setObjectName(QString::fromLatin1(objectName));
        a->setText(tr("Browse…"));
        a->setToolTip(title);
        connect(a, &QAction::triggered, this, [this, edit, title] {
            const QString start = edit->text().isEmpty() ? QDir::homePath() : QFileInfo(edit->text()).absolutePath();
            auto* dialog = new QFileDialog(this, title, start);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setFileMode(QFileDialog::ExistingFile);
            connect(dialog, &QFileDialog::fileSelected, edit, &QLineEdit::setText);
            dialog->open();
        });
    };
    browse(m_ui->caFileLineEdit, "caFileBrowseAction", tr("Browse for the CA certificate (PEM)…"));
    browse(m_ui->clientCertificateLineEdit, "clientCertificateBrowseAction", tr("Browse for the client certificate…"));
    browse(m_ui->clientKeyLineEdit, "clientKeyBrowseAction", tr("Browse for the client key…"));
    browse(m_ui->keyFileLineEdit, "keyFileBrowseAction", tr("Browse for the SSH private key…"));
    browse(m_ui->siteFileLineEdit, "siteFileBrowseAction", tr("Browse this machine for the nginx site file…"));
    browse(m_ui->errorLogLineEdit, "errorLogBrowseAction", tr("Browse this machine for the error log…"));
    browse(m_ui->appLogLineEdit, "appLogBrowseAction", tr("Browse this machine for the application log…"));
    browse(m_ui->accessLogLineEdit, "accessLogBrowseAction", tr("Browse this machine for the access log…"));
    browse(m_ui->haproxyLogLineEdit, "haproxyLogBrowseAction", tr("Browse this machine for the HAProxy log…"));

    const QList<QLineEdit*> edits = findChildren<QLineEdit*>();
    for (QLineEdit* e : edits)
        connect(e, &QLineEdit::textChanged, this, &ProfileEditorDialog::revalidate);
    for (QPlainTextEdit* e : findChildren<QPlainTextEdit*>())
        connect(e, &QPlainTextEdit::textChanged, this, &ProfileEditorDialog::revalidate);
    connect(m_ui->sshPortSpinBox, &QSpinBox::valueChanged, this, &ProfileEditorDialog::revalidate);
    connect(m_ui->authComboBox, &QComboBox::currentIndexChanged, this, [this] {
        updateAuthFields();
        revalidate();
    });
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_secrets)
        connect(m_secrets, &SecretStore::availabilityChanged, this, &ProfileEditorDialog::updateKeychainStatus);
    updateKeychainStatus();
    updateAuthFields();
    revalidate();
    m_ui->nameLineEdit->setFocus();
}

ProfileEditorDialog::~ProfileEditorDialog()
{
    // Wipe anything typed but not stored.
    for (QLineEdit* e : {m_ui->sshPasswordLineEdit, m_ui->keyPassphraseLineEdit, m_ui->sudoPasswordLineEdit})
        e->clear();
}

void ProfileEditorDialog::load(const Profile& p)
{
    m_ui->nameLineEdit->setText(p.name);
    m_ui->publicUrlLineEdit->setText(p.publicUrl);
    m_ui->directUrlLineEdit->setText(p.directUrl);
    m_ui->originLineEdit->setText(p.origin);
    QStringList headerLines;
    for (const auto& [name, value] : p.extraHeaders)
        headerLines << name + QStringLiteral(": ") + value;
    m_ui->headersPlainTextEdit->setPlainText(headerLines.join(u'\n'));
    m_ui->subprotocolsLineEdit->setText(p.subprotocols.join(QStringLiteral(", ")));
    m_ui->boltCheckBox->setChecked(p.bolt);
    if (m_ui->appProtocolComboBox->count() == 0)
        m_ui->appProtocolComboBox->addItems(appProtocolNames());
    m_ui->appProtocolComboBox->setCurrentIndex(m_ui->appProtocolComboBox->findText(appProtocolName(p.app)));
    m_ui->caFileLineEdit->setText(p.tls.caFile);
    m_ui->pinnedCertificateLineEdit->setText(p.tls.pinnedCertificate);
    m_ui->clientCertificateLineEdit->setText(p.tls.clientCertificate);
    m_ui->clientKeyLineEdit->setText(p.tls.clientKey);
    m_ui->insecureCheckBox->setChecked(p.tls.insecure);
    m_ui->sshHostLineEdit->setText(p.ssh.host);
    m_ui->sshPortSpinBox->setValue(p.ssh.port);
    m_ui->sshUserLineEdit->setText(p.ssh.user);
    m_ui->authComboBox->setCurrentIndex(m_ui->authComboBox->findData(int(p.ssh.auth)));
    m_ui->keyFileLineEdit->setText(p.ssh.keyFile);
    m_ui->jumpHostLineEdit->setText(p.ssh.jumpHost);
    m_ui->sudoWithoutPasswordCheckBox->setChecked(p.ssh.sudoWithoutPassword);
    m_ui->siteFileLineEdit->setText(p.nginx.siteFile);
    m_ui->enabledLinkLineEdit->setText(p.nginx.enabledLink);
    m_ui->testCommandLineEdit->setText(p.nginx.testCommand);
    m_ui->reloadCommandLineEdit->setText(p.nginx.reloadCommand);
    m_ui->backupDirLineEdit->setText(p.nginx.backupDir);
    m_ui->errorLogLineEdit->setText(p.logs.nginxErrorLog);
    m_ui->appLogLineEdit->setText(p.logs.appLog);
    m_ui->appLogFormatComboBox->setCurrentIndex(
        qMax(0, m_ui->appLogFormatComboBox->findData(p.logs.appLogFormat ? logs::logFormatId(*p.logs.appLogFormat) : QString())));
    m_ui->accessLogLineEdit->setText(p.logs.nginxAccessLog);
    m_ui->haproxyLogLineEdit->setText(p.logs.haproxyLog);
    m_ui->serviceLineEdit->setText(p.serviceName);
    m_ui->notesPlainTextEdit->setPlainText(p.notes);
}

Profile ProfileEditorDialog::profile() const
{
    Profile p = m_original; // keeps id and builtinDemo
    p.name = m_ui->nameLineEdit->text();
    p.publicUrl = m_ui->publicUrlLineEdit->text();
    p.directUrl = m_ui->directUrlLineEdit->text();
    p.origin = m_ui->originLineEdit->text();
    p.extraHeaders = parseHeaders(m_ui->headersPlainTextEdit->toPlainText());
    p.subprotocols.clear();
    for (const QString& s : m_ui->subprotocolsLineEdit->text().split(u',', Qt::SkipEmptyParts))
        if (!s.trimmed().isEmpty())
            p.subprotocols << s.trimmed();
    p.bolt = m_ui->boltCheckBox->isChecked();
    p.app = appProtocolFromName(m_ui->appProtocolComboBox->currentText()).value_or(AppProtocolId::Auto);
    p.tls.caFile = m_ui->caFileLineEdit->text();
    p.tls.pinnedCertificate = m_ui->pinnedCertificateLineEdit->text();
    p.tls.clientCertificate = m_ui->clientCertificateLineEdit->text();
    p.tls.clientKey = m_ui->clientKeyLineEdit->text();
    p.tls.insecure = m_ui->insecureCheckBox->isChecked();
    p.ssh.host = m_ui->sshHostLineEdit->text().trimmed();
    p.ssh.port = m_ui->sshPortSpinBox->value();
    p.ssh.user = m_ui->sshUserLineEdit->text().trimmed();
    p.ssh.auth = SshAccess::AuthMethod(m_ui->authComboBox->currentData().toInt());
    p.ssh.keyFile = m_ui->keyFileLineEdit->text();
    p.ssh.jumpHost = m_ui->jumpHostLineEdit->text().trimmed();
    p.ssh.sudoWithoutPassword = m_ui->sudoWithoutPasswordCheckBox->isChecked();
    p.nginx.siteFile = m_ui->siteFileLineEdit->text();
    p.nginx.enabledLink = m_ui->enabledLinkLineEdit->text();
    p.nginx.testCommand = m_ui->testCommandLineEdit->text();
    p.nginx.reloadCommand = m_ui->reloadCommandLineEdit->text();
    p.nginx.backupDir = m_ui->backupDirLineEdit->text();
    p.logs.nginxErrorLog = m_ui->errorLogLineEdit->text();
    p.logs.appLog = m_ui->appLogLineEdit->text();
    p.logs.appLogFormat = logs::logFormatFromId(m_ui->appLogFormatComboBox->currentData().toString());
    p.logs.nginxAccessLog = m_ui->accessLogLineEdit->text();
    p.logs.haproxyLog = m_ui->haproxyLogLineEdit->text();
    p.serviceName = m_ui->serviceLineEdit->text().trimmed();
    p.notes = m_ui->notesPlainTextEdit->toPlainText();
    return p;
}

void ProfileEditorDialog::revalidate()
{
    m_issues = m_validator ? m_validator(profile()) : QList<ValidationIssue>();
    // A header line without a colon would be saved as a header with an empty value: refuse it.
    for (const QString& line : m_ui->headersPlainTextEdit->toPlainText().split(u'\n'))
        if (!line.trimmed().isEmpty() && !line.contains(u':'))
            m_issues.append({QStringLiteral("headers"),
                             tr("the header line '%1' has no colon; write each header as Name: value").arg(line.trimmed())});
    for (QWidget* w : std::as_const(m_fieldWidgets))
        w->setStyleSheet(QString());
    QStringList lines;
    for (const ValidationIssue& i : std::as_const(m_issues)) {
        if (QWidget* w = m_fieldWidgets.value(i.field))
            w->setStyleSheet(QStringLiteral("border: 1px solid #d03b3b;"));
        lines << QStringLiteral("<span style='color:#d03b3b'>✗</span> ") + i.message.toHtmlEscaped();
    }
    m_ui->issuesLabel->setText(lines.isEmpty() ? tr("<span style='color:#2e9d44'>✓</span> ready to save") : lines.join(QStringLiteral("<br>")));
    m_ui->buttonBox->button(QDialogButtonBox::Save)->setEnabled(m_issues.isEmpty());
}

void ProfileEditorDialog::updateAuthFields()
{
    const auto auth = SshAccess::AuthMethod(m_ui->authComboBox->currentData().toInt());
    m_ui->keyFileLineEdit->setEnabled(auth == SshAccess::AuthMethod::KeyFile);
    m_ui->keyPassphraseLineEdit->setEnabled(auth == SshAccess::AuthMethod::KeyFile);
    m_ui->sshPasswordLineEdit->setEnabled(auth == SshAccess::AuthMethod::Password);
}

void ProfileEditorDialog::updateKeychainStatus()
{
    const bool available = m_secrets && m_secrets->availability() == SecretStore::Availability::Available;
    m_ui->keychainStatusLabel->setText(m_secrets ? m_secrets->availabilityText() : tr("keychain: not connected"));
    for (QLineEdit* e : {m_ui->sshPasswordLineEdit, m_ui->keyPassphraseLineEdit, m_ui->sudoPasswordLineEdit}) {
        e->setReadOnly(!available);
        const bool checking = m_secrets && m_secrets->availability() == SecretStore::Availability::Unknown;
        e->setPlaceholderText(available  ? tr("leave empty to keep the saved one")
                              : checking ? tr("checking the keychain…")
                                         : tr("no keychain: asked when needed"));
    }
}

int ProfileEditorDialog::storeSecrets(QObject* context, std::function<void(const QString&)> onError)
{
    if (!m_secrets)
        return 0;
    int count = 0;
    const Profile p = profile();
    const QList<std::pair<QLineEdit*, SecretKind>> fields = {{m_ui->sshPasswordLineEdit, SecretKind::SshPassword},
                                                             {m_ui->keyPassphraseLineEdit, SecretKind::KeyPassphrase},
                                                             {m_ui->sudoPasswordLineEdit, SecretKind::SudoPassword}};
    for (const auto& [edit, kind] : fields) {
        if (edit->text().isEmpty())
            continue;
        QByteArray secret = edit->text().toUtf8();
        edit->clear();
        m_secrets->write(p.id, kind, std::move(secret), context, [onError](const Status& st) {
            if (!st && onError)
                onError(st.error());
        });
        ++count;
    }
    return count;
}

bool ProfileEditorDialog::focusField(const QString& key)
{
    QWidget* w = m_fieldWidgets.value(key);
    if (!w)
        return false;
    for (int i = 0; i < m_ui->sectionsTabWidget->count(); ++i)
        if (m_ui->sectionsTabWidget->widget(i)->isAncestorOf(w))
            m_ui->sectionsTabWidget->setCurrentIndex(i);
    w->setFocus(Qt::OtherFocusReason);
    return true;
}

} // namespace socketscope
