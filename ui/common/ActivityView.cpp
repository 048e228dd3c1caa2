// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/ActivityView.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace socketscope {

ActivityModel::ActivityModel(ActivityLog& log, QObject* parent)
    : QAbstractTableModel(parent), m_log(log), m_rows(log.snapshot())
{
    // Entries may come from worker threads: the queued connection brings them to the GUI thread.
    connect(&m_log, &ActivityLog::entryAdded, this, &ActivityModel::append, Qt::QueuedConnection);
}

int ActivityModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ActivityModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 4; }

QVariant ActivityModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ActivityEntry& e = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case 0: return e.time.toString(QStringLiteral("HH:mm:ss"));
        case 1: return e.level == ActivityEntry::Level::Error ? tr("error")
                     : e.level == ActivityEntry::Level::Warning ? tr("warning") : tr("info");
        case 2: return e.source;
        case 3: return e.message;
        default: break;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == 0)
        return e.time.toString(Qt::ISODateWithMs);
    return {};
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case 0: return tr("Time");
    case 1: return tr("Level");
    case 2: return tr("Source");
    case 3: return tr("Message");
    default: return {};
    }
}

void ActivityModel::append(const ActivityEntry& entry)
{
    const int cap = m_log.capacity();
    if (m_rows.size() >= cap) {
        beginRemoveRows({}, 0, 0);
        m_rows.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(entry);
    endInsertRows();
}

ActivityView::ActivityView(ActivityLog& log, QWidget* parent)
    : QWidget(parent)
    , m_model(new ActivityModel(log, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter activity…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("activityFilterLineEdit"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_table->setObjectName(QStringLiteral("activityTableView"));
    m_table->setModel(m_proxy);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, m_table, [this] { m_table->scrollToBottom(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

} // namespace socketscope
