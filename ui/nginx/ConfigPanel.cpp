// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/ConfigPanel.h"

#include "core/ActivityLog.h"
#include "nginx/ConfigCodeView.h"
#include "nginx/ConfigDiffView.h"
#include "AppContext.h"
#include "common/WidgetSizing.h"
#include "profiles/Profile.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace socketscope {

using namespace nginx;

namespace {

enum FindingColumn { ColSeverity, ColRule, ColWhere, ColMessage };
constexpr int kPathRole = Qt::UserRole;
constexpr int kLineRole = Qt::UserRole + 1;

} // namespace

ConfigPanel::ConfigPanel(AppContext& context, QWidget* parent) : FeaturePanel(context, parent)
{
    qRegisterMetaType<ConfigAnalysisRequest>();
    qRegisterMetaType<ConfigReport>();
    m_worker = new ConfigAnalysisWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &ConfigPanel::analysisRequested, m_worker, &ConfigAnalysisWorker::analyze, Qt::QueuedConnection);
    connect(m_worker, &ConfigAnalysisWorker::finished, this, &ConfigPanel::onReport, Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("config-analysis"));
    m_thread.start();

    auto* layout = new QVBoxLayout(this);

    // Toolbar: sources and options.
    auto* bar = new QHBoxLayout;
    auto* openButton = new QPushButton(tr("&Open file…"), this);
    openButton->setObjectName(QStringLiteral("openPushButton"));
    openButton->setToolTip(tr("Open a local nginx or HAProxy configuration (Ctrl+O)"));
    auto* pasteButton = new QPushButton(tr("&Paste nginx -T"), this);
    pasteButton->setObjectName(QStringLiteral("pastePushButton"));
    pasteButton->setToolTip(tr("Analyse the clipboard: the output of `nginx -T` (a whole configuration) or one file"));
    m_kindCombo = new QComboBox(this);
    m_kindCombo->setObjectName(QStringLiteral("kindComboBox"));
    m_kindCombo->addItems({tr("Auto"), QStringLiteral("nginx"), QStringLiteral("HAProxy")});
    m_endpointEdit = new QLineEdit(this);
    m_endpointEdit->setObjectName(QStringLiteral("endpointLineEdit"));
    m_endpointEdit->setPlaceholderText(tr("endpoint path, e.g. /ws"));
    m_endpointEdit->setToolTip(tr("Locations serving this request path are checked as WebSocket locations"));
    m_thresholdSpin = new QSpinBox(this);
    m_thresholdSpin->setObjectName(QStringLiteral("thresholdSpinBox"));
    m_thresholdSpin->setRange(1, 7 * 86400);
    m_thresholdSpin->setValue(300);
    m_thresholdSpin->setSuffix(tr(" s"));
    m_thresholdSpin->setToolTip(tr("Idle timeouts below this are findings (WS004, WS005, HA001, HA002)"));
    auto* analyzeButton = new QPushButton(tr("Re-analyse"), this);
    analyzeButton->setObjectName(QStringLiteral("analyzePushButton"));
    analyzeButton->setToolTip(tr("Run the rules again with these options (F5)"));
    // Two rows, so the endpoint field keeps a usable width on a 1024 px screen: where the
    // configuration comes from, then what the rules check it for.
    m_endpointEdit->setMinimumWidth(m_endpointEdit->fontMetrics().horizontalAdvance(m_endpointEdit->placeholderText()) + 24);
    bar->addWidget(openButton);
    bar->addWidget(pasteButton);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Kind:"), this));
    bar->addWidget(m_kindCombo);
    bar->addStretch(1);
    bar->addWidget(analyzeButton);
    layout->addLayout(bar);
    auto* options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Endpoint:"), this));
    options->addWidget(m_endpointEdit, 1);
    options->addSpacing(12);
    options->addWidget(new QLabel(tr("Idle threshold:"), this));
    options->addWidget(m_thresholdSpin);
    layout->addLayout(options);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("bannerLabel"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_banner);

    auto* vsplit = new QSplitter(Qt::Vertical, this);
    auto* hsplit = new QSplitter(Qt::Horizontal, vsplit);
    auto* left = new QWidget(hsplit);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_fileCombo = new QComboBox(left);
    m_fileCombo->setObjectName(QStringLiteral("fileComboBox"));
    m_code = new ConfigCodeView(left);
    m_code->setObjectName(QStringLiteral("codePlainTextEdit"));
    leftLayout->addWidget(m_fileCombo);
    leftLayout->addWidget(m_code);
    m_findings = new QTreeWidget(hsplit);
    m_findings->setObjectName(QStringLiteral("findingsTreeWidget"));
    m_findings->setRootIsDecorated(false);
    m_findings->setHeaderLabels({tr("Severity"), tr("Rule"), tr("Where"), tr("Finding")});
    m_findings->setUniformRowHeights(false);
    // Every column in view (issue 16): Severity, Rule and Where as wide as their contents, the
    // finding takes the rest; each row is one line, a cut cell has its whole text in its tooltip.
    keepColumnsInView(m_findings, m_findings->header(), ColMessage);
    hsplit->setStretchFactor(0, 1);
    hsplit->setStretchFactor(1, 1);
    hsplit->setSizes({620, 640});

    auto* bottom = new QWidget(vsplit);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    m_diff = new ConfigDiffView(bottom);
    m_diff->setObjectName(QStringLiteral("diffView"));
    auto* buttons = new QHBoxLayout;
    m_copyButton = new QPushButton(tr("&Copy fix"), bottom);
    m_copyButton->setObjectName(QStringLiteral("copyPushButton"));
    m_copyButton->setToolTip(tr("Copy the fixed file to the clipboard"));
    m_saveButton = new QPushButton(tr("&Save as…"), bottom);
    m_saveButton->setObjectName(QStringLiteral("savePushButton"));
    m_runbookButton = new QPushButton(tr("Hand to &runbook"), bottom);
    m_runbookButton->setObjectName(QStringLiteral("runbookPushButton"));
    m_runbookButton->setToolTip(tr("Apply it on the server with a runbook: backup, write, nginx -t, reload, probe"));
    buttons->addStretch();
    buttons->addWidget(m_copyButton);
    buttons->addWidget(m_saveButton);
    buttons->addWidget(m_runbookButton);
    bottomLayout->addWidget(m_diff);
    bottomLayout->addLayout(buttons);
    vsplit->setStretchFactor(0, 3);
    vsplit->setStretchFactor(1, 2);
    layout->addWidget(vsplit, 1);

    connect(openButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a proxy configuration"), QStringLiteral("/etc/nginx"));
        if (!path.isEmpty())
            openFile(path);
    });
    connect(pasteButton, &QPushButton::clicked, this, [this] {
        const QString text = QApplication::clipboard()->text();
        if (text.trimmed().isEmpty())
            setBanner(tr("Empty"), QColor(0x75, 0x75, 0x75), tr("The clipboard holds no text: copy the output of `sudo nginx -T` first."));
        else
            analyzeText(text.toUtf8());
    });
    connect(analyzeButton, &QPushButton::clicked, this, &ConfigPanel::reanalyze);
    connect(m_findings, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (!item)
            return;
        const QString path = item->data(0, kPathRole).toString();
        if (path != shownPath())
            showFile(path);
        m_code->goToLine(item->data(0, kLineRole).toInt());
    });
    connect(m_findings, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int column) {
        if (column == ColSeverity)
            onFindingChecked(item);
    });
    connect(m_fileCombo, &QComboBox::activated, this, [this](int index) { showFile(m_fileCombo->itemData(index).toString()); });
    connect(m_copyButton, &QPushButton::clicked, this, &ConfigPanel::copyFix);
    connect(m_saveButton, &QPushButton::clicked, this, &ConfigPanel::saveFix);
    connect(m_runbookButton, &QPushButton::clicked, this, &ConfigPanel::emitHandToRunbook);
    auto* openShortcut = new QShortcut(QKeySequence::Open, this);
    connect(openShortcut, &QShortcut::activated, openButton, &QPushButton::click);
    auto* refresh = new QShortcut(QKeySequence::Refresh, this);
    connect(refresh, &QShortcut::activated, this, &ConfigPanel::reanalyze);

    for (QPushButton* b : {m_copyButton, m_saveButton, m_runbookButton})
        b->setEnabled(false);
    setBanner(tr("Ready"), QColor(0x75, 0x75, 0x75),
              tr("Open an nginx or HAProxy configuration, or paste the output of `nginx -T`."));
}

ConfigPanel::~ConfigPanel()
{
    m_thread.quit();
    m_thread.wait();
}

void ConfigPanel::setProfile(const Profile* profile)
{
    if (!profile)
        return;
    const QString path = QUrl(profile->publicUrl).path();
    if (!path.isEmpty() && path != QLatin1String("/"))
        m_endpointEdit->setText(path);
}

ConfigAnalysisRequest ConfigPanel::baseRequest()
{
    ConfigAnalysisRequest r;
    r.rules.thresholdSeconds = m_thresholdSpin->value();
    r.rules.suggestedSeconds = qMax(3600, m_thresholdSpin->value());
    const QString endpoint = m_endpointEdit->text().trimmed();
    if (!endpoint.isEmpty())
        r.rules.endpointPaths = {endpoint};
    // Only the rules whose findings the user kept checked (none unchecked: the default set).
    if (!m_leftOutRules.isEmpty())
        for (const QString& rule : std::as_const(m_defaultRules))
            if (!m_leftOutRules.contains(rule))
                r.onlyRules << rule;
    r.id = ++m_lastId;
    return r;
}

void ConfigPanel::openFile(const QString& path)
{
    m_leftOutRules.clear(); // another file: every finding starts checked
    ConfigAnalysisRequest r = baseRequest();
    r.path = path;
    const bool haproxy = m_kindCombo->currentIndex() == 2
        || (m_kindCombo->currentIndex() == 0 && (path.endsWith(QLatin1String(".cfg")) || path.contains(QLatin1String("haproxy"))));
    r.kind = haproxy ? ConfigAnalysisRequest::Kind::Haproxy : ConfigAnalysisRequest::Kind::Nginx;
    m_lastRequest = r;
    setBanner(tr("Reading"), QColor(0x75, 0x75, 0x75), QFileInfo(path).fileName());
    emit analysisRequested(r);
}

void ConfigPanel::analyzeText(const QByteArray& text, const QString& name)
{
    m_leftOutRules.clear();
    ConfigAnalysisRequest r = baseRequest();
    r.text = text;
    r.path = name;
    r.load.followIncludes = text.contains("# configuration file ");
    if (m_kindCombo->currentIndex() == 2
        || (m_kindCombo->currentIndex() == 0 && (text.contains("\nbackend ") || text.startsWith("frontend ") || text.contains("\nfrontend "))))
        r.kind = ConfigAnalysisRequest::Kind::Haproxy;
    else
        r.kind = r.load.followIncludes ? ConfigAnalysisRequest::Kind::NginxDump : ConfigAnalysisRequest::Kind::Nginx;
    m_lastRequest = r;
    emit analysisRequested(r);
}

void ConfigPanel::reanalyze()
{
    if (m_lastRequest.path.isEmpty() && m_lastRequest.text.isEmpty())
        return;
    ConfigAnalysisRequest r = baseRequest();
    r.kind = m_lastRequest.kind;
    r.path = m_lastRequest.path;
    r.text = m_lastRequest.text;
    r.load = m_lastRequest.load;
    m_lastRequest = r;
    emit analysisRequested(r);
}

void ConfigPanel::setBanner(const QString& word, const QColor& color, const QString& text)
{
    m_banner->setText(QStringLiteral("<span style='background:%1;color:white;font-weight:bold'>&nbsp;%2&nbsp;</span>&nbsp; %3")
                          .arg(color.name(), word.toHtmlEscaped(), text.toHtmlEscaped()));
}

void ConfigPanel::onReport(const ConfigReport& report)
{
    if (report.id != m_lastId)
        return; // superseded by a newer request
    m_report = report;
    if (report.ok && m_lastRequest.onlyRules.isEmpty())
        m_defaultRules = report.fixedRules;
    const QSignalBlocker blocker(m_findings); // building the list is not the user checking findings
    m_findings->clear();
    m_fileCombo->clear();
    if (!report.ok) {
        const ConfError& e = report.error;
        setBanner(tr("Parse error"), ConfigCodeView::severityColor(QStringLiteral("error")), e.toString());
        if (m_context.activity)
            m_context.activity->error(QStringLiteral("config"), e.toString());
        m_code->setContent(QString(), {});
        m_diff->setTexts({}, {});
        for (QPushButton* b : {m_copyButton, m_saveButton, m_runbookButton})
            b->setEnabled(false);
        emit analysisFinished();
        return;
    }
    for (const auto& file : report.files) {
        int count = 0;
        for (const ConfigFinding& f : report.findings)
            count += f.file == file.first;
        m_fileCombo->addItem(count ? QStringLiteral("%1  (%2)").arg(file.first).arg(count) : file.first, file.first);
    }
    int errors = 0;
    int warnings = 0;
    for (const ConfigFinding& f : report.findings) {
        auto* item = new QTreeWidgetItem(m_findings);
        item->setText(ColSeverity, f.severity);
        item->setForeground(ColSeverity, ConfigCodeView::severityColor(f.severity));
        item->setText(ColRule, f.rule);
        item->setToolTip(ColRule, f.rule);
        item->setText(ColWhere, QStringLiteral("%1:%2").arg(QFileInfo(f.file).fileName()).arg(f.line));
        item->setToolTip(ColWhere, QStringLiteral("%1:%2").arg(f.file).arg(f.line));
        item->setText(ColMessage, f.message);
        item->setToolTip(ColMessage, f.message + QStringLiteral("\n\nfix: ") + f.fix);
        item->setData(0, kPathRole, f.file);
        item->setData(0, kLineRole, f.line);
        // Checked: the fix (and a hand-over to the runbook) addresses this finding's rule.
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(ColSeverity, m_leftOutRules.contains(f.rule) ? Qt::Unchecked : Qt::Checked);
        item->setToolTip(ColSeverity, tr("%1: uncheck to leave %2 out of the fix").arg(f.severity, f.rule));
        errors += f.severity == QLatin1String("error");
        warnings += f.severity == QLatin1String("warning");
    }
    const int infos = int(report.findings.size()) - errors - warnings;
    const QString fixed = report.fixedRules.isEmpty() ? tr("nothing to fix automatically")
                                                      : tr("the fix below addresses %1").arg(report.fixedRules.join(QStringLiteral(", ")));
    if (report.findings.isEmpty())
        setBanner(tr("Clean"), QColor(0x2e, 0x7d, 0x32), tr("No WebSocket findings in %n file(s).", nullptr, int(report.files.size())));
    else
        setBanner(errors ? tr("Broken") : warnings ? tr("Risky") : tr("Advice"),
                  ConfigCodeView::severityColor(errors ? QStringLiteral("error") : warnings ? QStringLiteral("warning") : QStringLiteral("info")),
                  tr("%1 error(s), %2 warning(s), %3 info — %4.").arg(errors).arg(warnings).arg(infos).arg(fixed));
    if (m_context.activity)
        m_context.activity->info(QStringLiteral("config"), QStringLiteral("analysed %1: %2 finding(s)").arg(report.mainPath).arg(report.findings.size()));
    QString first = report.mainPath;
    if (!report.fixes.isEmpty())
        first = report.fixes.front().path;
    else if (!report.findings.isEmpty())
        first = report.findings.front().file;
    showFile(first);
    const bool hasFix = !report.fixes.isEmpty() && !(m_lastRequest.onlyRules.isEmpty() && !m_leftOutRules.isEmpty());
    for (QPushButton* b : {m_copyButton, m_saveButton, m_runbookButton})
        b->setEnabled(hasFix);
    emit analysisFinished();
}

void ConfigPanel::showFile(const QString& path)
{
    QMap<int, ConfigCodeView::Mark> marks;
    for (const ConfigFinding& f : m_report.findings) {
        if (f.file != path)
            continue;
        ConfigCodeView::Mark& m = marks[f.line];
        const auto rank = [](const QString& s) { return s == QLatin1String("error") ? 3 : s == QLatin1String("warning") ? 2 : 1; };
        if (rank(f.severity) > rank(m.severity))
            m.severity = f.severity;
        m.tooltip += (m.tooltip.isEmpty() ? QString() : QStringLiteral("\n")) + f.rule + QStringLiteral(": ") + f.message;
    }
    m_code->setContent(QString::fromUtf8(m_report.originalText(path)), marks);
    const int index = m_fileCombo->findData(path);
    if (index >= 0)
        m_fileCombo->setCurrentIndex(index);
    m_diff->setTexts(m_report.originalText(path), m_report.fixedText(path));
}

QString ConfigPanel::shownPath() const { return m_fileCombo->currentData().toString(); }

void ConfigPanel::copyFix()
{
    QApplication::clipboard()->setText(QString::fromUtf8(m_report.fixedText(shownPath())));
    setBanner(tr("Copied"), QColor(0x2e, 0x7d, 0x32), tr("The fixed %1 is on the clipboard.").arg(QFileInfo(shownPath()).fileName()));
}

void ConfigPanel::saveFix()
{
    const QString target = QFileDialog::getSaveFileName(this, tr("Save the fixed configuration"),
                                                        QFileInfo(shownPath()).fileName() + QStringLiteral(".fixed"));
    if (target.isEmpty())
        return;
    QSaveFile f(target);
    const QByteArray bytes = m_report.fixedText(shownPath());
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        setBanner(tr("Not saved"), ConfigCodeView::severityColor(QStringLiteral("error")),
                  tr("%1: %2").arg(target, f.errorString()));
        return;
    }
    setBanner(tr("Saved"), QColor(0x2e, 0x7d, 0x32), target);
}

void ConfigPanel::onFindingChecked(QTreeWidgetItem* item)
{
    const QString rule = item->text(ColRule);
    const bool checked = item->checkState(ColSeverity) == Qt::Checked;
    if (checked)
        m_leftOutRules.remove(rule);
    else
        m_leftOutRules.insert(rule);
    {
        const QSignalBlocker blocker(m_findings);
        for (int i = 0; i < m_findings->topLevelItemCount(); ++i)
            if (QTreeWidgetItem* other = m_findings->topLevelItem(i); other->text(ColRule) == rule)
                other->setCheckState(ColSeverity, checked ? Qt::Checked : Qt::Unchecked);
    }
    bool anyFixable = false;
    for (const QString& r : std::as_const(m_defaultRules))
        anyFixable = anyFixable || !m_leftOutRules.contains(r);
    if (!anyFixable) {
        // Nothing left to fix: no diff, nothing to hand over.
        m_diff->setTexts(m_report.originalText(shownPath()), m_report.originalText(shownPath()));
        for (QPushButton* b : {m_copyButton, m_saveButton, m_runbookButton})
            b->setEnabled(false);
        setBanner(tr("Nothing selected"), QColor(0x75, 0x75, 0x75), tr("Every fixable finding is unchecked: the fix changes nothing."));
        return;
    }
    reanalyze();
}

void ConfigPanel::emitHandToRunbook()
{
    HandedFix fix;
    fix.path = shownPath();
    for (const FileFix& f : m_report.fixes) {
        if (f.path == fix.path)
            fix.diff = f.diff;
    }
    fix.fixedText = m_report.fixedText(fix.path);
    // What the user reviewed: the findings of this file still checked, in the runbook plan's words.
    for (const ConfigFinding& f : m_report.findings)
        if (f.file == fix.path && !m_leftOutRules.contains(f.rule))
            fix.findings << QStringLiteral("%1 (%2) line %3: %4").arg(f.rule, f.severity).arg(f.line).arg(f.message);
    fix.scope.endpointPaths = m_lastRequest.rules.endpointPaths;
    fix.scope.onlyRules = m_lastRequest.onlyRules;
    fix.scope.thresholdSeconds = m_lastRequest.rules.thresholdSeconds;
    fix.scope.suggestedSeconds = m_lastRequest.rules.suggestedSeconds;
    emit handToRunbook(fix);
}

} // namespace socketscope
