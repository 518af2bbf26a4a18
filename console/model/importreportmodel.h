// ImportReportModel: the import report as a tree for the console's Import
// dialog, one top row per file (with its counts) and under it one row per
// entry in line order: line, kind, directive, what hafront does. Mapped
// entries can be hidden. A thin adapter over the importer's entries.
#pragma once

#include "import/report.h"

#include <QAbstractItemModel>

#include <vector>

namespace hafront::model {

class ImportReportModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { FileOrLine, Kind, Directive, Text, ColumnCount };
    static constexpr int KindRole = Qt::UserRole + 1; // import::Kind as int

    explicit ImportReportModel(QObject *parent = nullptr);

    void setEntries(std::vector<import::ReportEntry> entries);
    void setShowMapped(bool show);
    bool showMapped() const { return m_showMapped; }
    size_t count(import::Kind kind) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct FileGroup {
        QString file;
        std::vector<const import::ReportEntry *> rows;
        size_t counts[4] = {};
    };
    void regroup();

    std::vector<import::ReportEntry> m_entries;
    std::vector<FileGroup> m_groups;
    bool m_showMapped = false;
};

} // namespace hafront::model
