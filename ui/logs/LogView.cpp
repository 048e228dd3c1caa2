// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogView.h"

#include "logs/HighlightRules.h"
#include "logs/LogSession.h"
#include "logs/LogTimestamp.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QToolTip>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>

namespace socketscope {

using namespace socketscope::logs;

namespace {

QColor blend(const QColor& base, const QColor& tint, double alpha)
{
    return QColor::fromRgbF(float(base.redF() * (1 - alpha) + tint.redF() * alpha),
                            float(base.greenF() * (1 - alpha) + tint.greenF() * alpha),
                            float(base.blueF() * (1 - alpha) + tint.blueF() * alpha));
}

// Colours that read on the current palette: tints over the base colour, darker text on light
// themes and lighter text on dark ones.
struct Colours {
    explicit Colours(const QPalette& pal)
    {
        base = pal.color(QPalette::Base);
        dark = base.lightness() < 128;
        text = pal.color(QPalette::Text);
        gutter = blend(base, pal.color(QPalette::Text), dark ? 0.08 : 0.05);
        gutterText = blend(base, text, 0.55);
        selection = pal.color(QPalette::Highlight);
        selectionText = pal.color(QPalette::HighlightedText);
        match = dark ? QColor(150, 125, 0) : QColor(255, 226, 80);
    }
    QColor lineTint(Severity s) const
    {
        switch (s) {
        case Severity::Critical: return blend(base, QColor(230, 30, 30), dark ? 0.34 : 0.20);
        case Severity::Error: return blend(base, QColor(220, 50, 50), dark ? 0.22 : 0.11);
        case Severity::Warning: return blend(base, QColor(235, 165, 0), dark ? 0.20 : 0.14);
        case Severity::Info: return blend(base, QColor(40, 120, 230), dark ? 0.16 : 0.08);
        }
        return base;
    }
    QColor spanText(Severity s) const
    {
        switch (s) {
        case Severity::Critical:
        case Severity::Error: return dark ? QColor(255, 120, 120) : QColor(170, 0, 30);
        case Severity::Warning: return dark ? QColor(255, 205, 100) : QColor(140, 80, 0);
        case Severity::Info: return dark ? QColor(130, 185, 255) : QColor(0, 75, 170);
        }
        return text;
    }
    QColor base, text, gutter, gutterText, selection, selectionText, match;
    bool dark = false;
};

constexpr int kMaxPaintedChars = 4000; // of one line; the rest is one scroll away in the file
constexpr qsizetype kCacheLimit = 4000;

} // namespace

LogView::LogView(LogSession& session, QWidget* parent) : QAbstractScrollArea(parent), m_session(session)
{
    setObjectName(QStringLiteral("logView"));
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setCursor(Qt::IBeamCursor);
    connect(&m_session, &LogSession::linesChanged, this, &LogView::onLinesChanged);
    connect(&m_session, &LogSession::matchesChanged, this, [this] {
        if (m_onlyMatching)
            updateScrollBars();
        if (shownRowsChanged())
            viewport()->update();
    });
    connect(&m_session, &LogSession::problemsChanged, viewport(), qOverload<>(&QWidget::update));
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_followTail)
            emit followInterrupted(value < verticalScrollBar()->maximum());
        viewport()->update();
    });
    updateScrollBars();
}

void LogView::setOnlyMatching(bool on)
{
    const qint64 keep = m_current;
    m_onlyMatching = on;
    refresh();
    if (keep >= 0)
        goToLine(keep);
}

void LogView::setShowTime(bool on)
{
    m_showTime = on;
    viewport()->update();
}

void LogView::setFollowTail(bool on)
{
    m_followTail = on;
    if (on) {
        QSignalBlocker block(verticalScrollBar());
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
        viewport()->update();
    }
}

qint64 LogView::rowCount() const
{
    return m_onlyMatching && m_session.hasSearch() ? qint64(m_session.matches().size()) : m_session.lineCount();
}

qint64 LogView::lineAtRow(qint64 row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    return m_onlyMatching && m_session.hasSearch() ? m_session.matches()[std::size_t(row)] : row;
}

qint64 LogView::rowOfLine(qint64 line) const
{
    if (!(m_onlyMatching && m_session.hasSearch()))
        return qMin(line, rowCount() - 1);
    const auto& m = m_session.matches();
    const auto it = std::lower_bound(m.begin(), m.end(), line);
    if (it == m.end())
        return qint64(m.size()) - 1;
    return qint64(it - m.begin());
}

int LogView::lineHeight() const
{
    return QFontMetrics(font()).height() + 2;
}

int LogView::visibleRows() const
{
    return qMax(1, viewport()->height() / lineHeight());
}

qint64 LogView::topRow() const
{
    return verticalScrollBar()->value();
}

qint64 LogView::rowAt(int y) const
{
    return topRow() + y / lineHeight();
}

QString LogView::searchKey() const
{
    const SearchQuery& q = m_session.matcher().query();
    return QStringLiteral("%1%2%3").arg(q.regex ? u'r' : u'-').arg(q.caseSensitive ? u'c' : u'-').arg(q.pattern);
}

bool LogView::shownRowsChanged() const
{
    if (searchKey() != m_paintedSearch)
        return true;
    const qint64 top = topRow();
    const qint64 n = qMax<qint64>(0, qMin<qint64>(visibleRows() + 1, rowCount() - top));
    if (std::size_t(n) != m_paintedLines.size())
        return true;
    for (qint64 i = 0; i < n; ++i)
        if (lineAtRow(top + i) != m_paintedLines[std::size_t(i)])
            return true;
    return false;
}

void LogView::refresh()
{
    updateScrollBars();
    viewport()->update();
}

void LogView::updateScrollBars()
{
    QSignalBlocker block(verticalScrollBar());
    const qint64 rows = rowCount();
    const int page = visibleRows();
    const qint64 max = qMax<qint64>(0, rows - page);
    verticalScrollBar()->setRange(0, int(qMin<qint64>(max, INT_MAX)));
    verticalScrollBar()->setPageStep(page);
    verticalScrollBar()->setSingleStep(1);
    if (m_followTail)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    horizontalScrollBar()->setRange(0, qMax(0, m_maxTextWidth - viewport()->width() / 2));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(QFontMetrics(font()).horizontalAdvance(QLatin1Char('M')) * 4);
}

void LogView::onLinesChanged(qint64 count, bool reset)
{
    Q_UNUSED(count);
    if (reset) {
        m_cache.clear();
        m_current = m_anchor = -1;
        m_maxTextWidth = 0;
    } else if (!m_cache.isEmpty()) {
        // The last line may have been incomplete when it was cached.
        m_cache.remove(m_session.lineCount() - 1);
        m_cache.remove(m_session.lineCount() - 2);
    }
    refresh();
}

QStringList LogView::textsForRows(qint64 first, qint64 count) const
{
    QStringList out;
    const auto file = m_session.file();
    if (!file || count <= 0)
        return out;
    if (m_cache.size() > kCacheLimit)
        m_cache.clear();
    const bool contiguous = !(m_onlyMatching && m_session.hasSearch());
    if (contiguous) {
        bool allCached = true;
        for (qint64 i = 0; i < count && allCached; ++i)
            allCached = m_cache.contains(first + i);
        if (!allCached) {
            const QStringList lines = file->readLines(first, count);
            for (qsizetype i = 0; i < lines.size(); ++i)
                m_cache.insert(first + i, lines[i]);
        }
    }
    for (qint64 r = first; r < first + count; ++r) {
        const qint64 line = lineAtRow(r);
        auto it = m_cache.constFind(line);
        if (it == m_cache.constEnd())
            it = m_cache.insert(line, file->readLines(line, 1).value(0));
        out.append(*it);
    }
    return out;
}

QStringList LogView::visibleTexts() const
{
    const qint64 top = topRow();
    return textsForRows(top, qMin<qint64>(visibleRows(), rowCount() - top));
}

void LogView::paintEvent(QPaintEvent*)
{
    QPainter p(viewport());
    const Colours c(palette());
    p.fillRect(viewport()->rect(), c.base);
    const QFontMetrics fm(font());
    const int lh = lineHeight();
    const int charW = fm.horizontalAdvance(QLatin1Char('M'));
    // Glyph advances are fractional: position runs with the exact advance or they drift apart.
    const qreal advance = QFontMetricsF(font()).horizontalAdvance(QLatin1Char('M'));
    const qint64 total = rowCount();
    const qint64 top = topRow();
    const qint64 n = qMin<qint64>(visibleRows() + 1, total - top);
    m_paintedSearch = searchKey();
    m_paintedLines.clear();
    for (qint64 i = 0; i < n; ++i)
        m_paintedLines.push_back(lineAtRow(top + i));

    const int digits = int(QString::number(qMax<qint64>(1, m_session.lineCount())).size());
    const int gutterW = charW * (digits + 2) + 8;
    const int timeW = m_showTime ? charW * 19 : 0;
    const int textX = gutterW + timeW + 6;
    p.fillRect(QRect(0, 0, gutterW, viewport()->height()), c.gutter);
    if (n <= 0) {
        p.setPen(c.gutterText);
        p.drawText(viewport()->rect().adjusted(textX, 4, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   m_session.file() ? tr("No lines to show.") : tr("Open a log file to view it."));
        return;
    }
    const QStringList texts = textsForRows(top, n);
    const RuleSet& rules = m_session.rules();
    const auto& problems = m_session.problems().lines;
    const LineMatcher& matcher = m_session.matcher();
    const auto selection = selectedRows();
    const int hscroll = horizontalScrollBar()->value();
    const int ascent = fm.ascent() + 1;

    for (qint64 i = 0; i < qint64(texts.size()); ++i) {
        const qint64 row = top + i;
        const qint64 line = lineAtRow(row);
        const int y = int(i) * lh;
        QString text = texts[int(i)];
        text.replace(QLatin1Char('\t'), QLatin1Char(' '));
        const QStringView shown = QStringView(text).left(kMaxPaintedChars);
        m_maxTextWidth = qMax(m_maxTextWidth, int(qreal(shown.size()) * advance));

        const bool selected = selection.first >= 0 && row >= selection.first && row <= selection.second;
        const int strongest = rules.strongestRule(shown);
        const bool problem = std::binary_search(problems.begin(), problems.end(), line);
        QRect lineRect(gutterW, y, viewport()->width() - gutterW, lh);
        if (selected)
            p.fillRect(lineRect, c.selection);
        else if (strongest >= 0)
            p.fillRect(lineRect, c.lineTint(rules.rules()[strongest].severity));

        // Gutter: line number, and a marker for problem lines.
        p.setPen(c.gutterText);
        p.drawText(QRect(0, y, gutterW - charW - 6, lh), Qt::AlignRight | Qt::AlignVCenter, QString::number(line + 1));
        if (problem) {
            const Severity s = strongest >= 0 ? rules.rules()[strongest].severity : Severity::Error;
            p.setPen(Qt::NoPen);
            p.setBrush(c.spanText(s));
            const int d = qMax(6, lh / 2);
            p.drawEllipse(QRect(gutterW - charW - 2, y + (lh - d) / 2, d, d));
        }
        if (m_showTime) {
            if (const auto t = parseLogTime(text.left(200).toUtf8())) {
                const QDateTime local = t->hasOffset ? t->time.toLocalTime() : t->time;
                p.setPen(selected ? c.selectionText : c.gutterText);
                p.drawText(QRect(gutterW + 4, y, timeW, lh), Qt::AlignLeft | Qt::AlignVCenter,
                           local.toString(QStringLiteral("MM-dd HH:mm:ss.zzz")));
            }
        }

        // Text in runs of one colour: rule matches coloured, search matches on a marker colour.
        std::vector<QColor> fg(std::size_t(shown.size()), selected ? c.selectionText : c.text);
        std::vector<bool> marked(std::size_t(shown.size()), false);
        if (!selected)
            for (const RuleSet::Span& s : rules.spans(shown))
                for (qsizetype k = s.start; k < s.start + s.length && k < shown.size(); ++k)
                    fg[std::size_t(k)] = c.spanText(rules.rules()[s.rule].severity);
        if (!matcher.isEmpty())
            for (const auto& [start, len] : matcher.spans(shown))
                for (qsizetype k = start; k < start + len && k < shown.size(); ++k)
                    marked[std::size_t(k)] = true;
        p.save();
        p.setClipRect(QRect(textX - 2, y, viewport()->width() - textX + 2, lh));
        const qsizetype firstChar = qMax<qsizetype>(0, qsizetype(hscroll / advance) - 1);
        const qsizetype lastChar = qMin<qsizetype>(shown.size(), firstChar + qsizetype(viewport()->width() / advance) + 3);
        qsizetype k = firstChar;
        while (k < lastChar) {
            qsizetype e = k + 1;
            while (e < lastChar && fg[std::size_t(e)] == fg[std::size_t(k)] && marked[std::size_t(e)] == marked[std::size_t(k)])
                ++e;
            const qreal x = textX + qreal(k) * advance - hscroll;
            if (marked[std::size_t(k)])
                p.fillRect(QRectF(x, y, qreal(e - k) * advance, lh), c.match);
            p.setPen(fg[std::size_t(k)]);
            p.drawText(QPointF(x, y + ascent), shown.mid(k, e - k).toString());
            k = e;
        }
        p.restore();
        if (line == m_current && hasFocus()) {
            p.setPen(QPen(c.selection, 1, Qt::DotLine));
            p.setBrush(Qt::NoBrush);
            p.drawRect(lineRect.adjusted(0, 0, -1, -1));
        }
    }
    const int hmax = qMax(0, m_maxTextWidth - viewport()->width() / 2);
    if (horizontalScrollBar()->maximum() != hmax)
        horizontalScrollBar()->setRange(0, hmax);
}

void LogView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

bool LogView::viewportEvent(QEvent* event)
{
    if (event->type() != QEvent::ToolTip)
        return QAbstractScrollArea::viewportEvent(event);
    const auto* help = static_cast<QHelpEvent*>(event);
    const QString text = toolTipForLine(lineAtRow(rowAt(help->pos().y())));
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
    } else {
        QToolTip::showText(help->globalPos(), text, viewport());
    }
    return true;
}

QString LogView::toolTipForLine(qint64 line) const
{
    const auto file = m_session.file();
    if (line < 0 || !file)
        return {};
    const RuleSet& rules = m_session.rules();
    const auto& problems = m_session.problems();
    const auto it = std::lower_bound(problems.lines.begin(), problems.lines.end(), line);
    if (it != problems.lines.end() && *it == line) {
        const int rule = problems.rules[std::size_t(it - problems.lines.begin())];
        if (rule >= 0 && rule < int(rules.rules().size()))
            return ruleToolTip(rules.rules()[rule]);
    }
    const QString text = file->readLines(line, 1).value(0).left(kMaxPaintedChars);
    const int strongest = rules.strongestRule(text);
    return strongest >= 0 ? ruleToolTip(rules.rules()[strongest]) : QString();
}

QString LogView::ruleToolTip(const HighlightRule& rule)
{
    QString html = QStringLiteral("<p><b>%1</b> <small>(%2 · %3)</small></p>")
                       .arg(rule.name.toHtmlEscaped(), rule.id.toHtmlEscaped(), severityName(rule.severity));
    if (!rule.hint.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(rule.hint.toHtmlEscaped());
    if (!rule.advice.isEmpty())
        html += tr("<p><b>Advice:</b> %1</p>").arg(rule.advice.toHtmlEscaped());
    if (!rule.cause.isEmpty())
        html += tr("<p>Probe cause: <code>%1</code></p>").arg(rule.cause.toHtmlEscaped());
    return html;
}

void LogView::changeEvent(QEvent* event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        refresh();
}

QPair<qint64, qint64> LogView::selectedRows() const
{
    if (m_current < 0)
        return {-1, -1};
    const qint64 a = rowOfLine(m_anchor >= 0 ? m_anchor : m_current);
    const qint64 b = rowOfLine(m_current);
    return {qMin(a, b), qMax(a, b)};
}

QString LogView::selectedText() const
{
    const auto rows = selectedRows();
    if (rows.first < 0)
        return {};
    const qint64 last = qMin(rows.second, rows.first + kMaxCopyLines - 1);
    QStringList out;
    const auto file = m_session.file();
    if (!file)
        return {};
    if (!(m_onlyMatching && m_session.hasSearch()))
        return file->readLines(rows.first, last - rows.first + 1).join(QLatin1Char('\n'));
    for (qint64 r = rows.first; r <= last; ++r)
        out.append(file->readLines(lineAtRow(r), 1).value(0));
    return out.join(QLatin1Char('\n'));
}

void LogView::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void LogView::setCurrentRow(qint64 row, bool extend)
{
    const qint64 rows = rowCount();
    if (rows <= 0)
        return;
    row = qBound<qint64>(0, row, rows - 1);
    const qint64 line = lineAtRow(row);
    if (!extend || m_anchor < 0)
        m_anchor = line;
    m_current = line;
    ensureRowVisible(row);
    viewport()->update();
    emit currentLineChanged(line);
}

void LogView::ensureRowVisible(qint64 row)
{
    const qint64 top = topRow();
    const int page = visibleRows();
    if (row < top)
        verticalScrollBar()->setValue(int(row));
    else if (row >= top + page)
        verticalScrollBar()->setValue(int(row - page + 1));
}

void LogView::goToLine(qint64 line)
{
    const qint64 row = rowOfLine(line);
    if (row < 0)
        return;
    m_anchor = -1;
    setCurrentRow(row, false);
    // Centre it, so the lines around a problem are visible too.
    verticalScrollBar()->setValue(int(qMax<qint64>(0, row - visibleRows() / 2)));
}

void LogView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        setCurrentRow(rowAt(int(event->position().y())), event->modifiers() & Qt::ShiftModifier);
    QAbstractScrollArea::mousePressEvent(event);
}

void LogView::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        setCurrentRow(rowAt(int(event->position().y())), true);
}

void LogView::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
        m_anchor = lineAtRow(0);
        m_current = lineAtRow(rowCount() - 1);
        viewport()->update();
        return;
    }
    const bool shift = event->modifiers() & Qt::ShiftModifier;
    const qint64 row = m_current >= 0 ? rowOfLine(m_current) : topRow();
    switch (event->key()) {
    case Qt::Key_Up: setCurrentRow(row - 1, shift); break;
    case Qt::Key_Down: setCurrentRow(row + 1, shift); break;
    case Qt::Key_PageUp: setCurrentRow(row - visibleRows(), shift); break;
    case Qt::Key_PageDown: setCurrentRow(row + visibleRows(), shift); break;
    case Qt::Key_Home: setCurrentRow(0, shift); break;
    case Qt::Key_End: setCurrentRow(rowCount() - 1, shift); break;
    default: QAbstractScrollArea::keyPressEvent(event);
    }
}

} // namespace socketscope
