// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ActivityLog.h"

#include <QAbstractTableModel>
#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace socketscope {

// Table model over the core ActivityLog ring buffer (time, level, source, message).
class ActivityModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit ActivityModel(ActivityLog& log, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void append(const ActivityEntry& entry);
    ActivityLog& m_log;
    QVector<ActivityEntry> m_rows;
};

// The "Activity" strip at the bottom of the window: filterable, newest at the bottom.
class ActivityView : public QWidget {
    Q_OBJECT
public:
    explicit ActivityView(ActivityLog& log, QWidget* parent = nullptr);

private:
    ActivityModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLineEdit* m_filter;
};

} // namespace socketscope
