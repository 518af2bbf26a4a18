#include "model/importreportmodel.h"

#include <algorithm>
#include <map>

namespace hafront::model {

namespace {
constexpr quintptr kFileRow = ~quintptr(0); // internalId of a top-level (file) row

QString kindText(import::Kind k)
{
    switch (k) {
    case import::Kind::Mapped:
        return ImportReportModel::tr("mapped");
    case import::Kind::Approximated:
        return ImportReportModel::tr("approximated");
    case import::Kind::Unsupported:
        return ImportReportModel::tr("unsupported");
    case import::Kind::Error:
        return ImportReportModel::tr("error");
    }
    return {};
}
} // namespace

ImportReportModel::ImportReportModel(QObject *parent) : QAbstractItemModel(parent) {}

void ImportReportModel::setEntries(std::vector<import::ReportEntry> entries)
{
    beginResetModel(); // a new import is a new report, not an update of the old one
    m_entries = std::move(entries);
    regroup();
    endResetModel();
}

void ImportReportModel::setShowMapped(bool show)
{
    if (show == m_showMapped)
        return;
    beginResetModel();
    m_showMapped = show;
    regroup();
    endResetModel();
}

size_t ImportReportModel::count(import::Kind kind) const
{
    return size_t(std::count_if(m_entries.begin(), m_entries.end(), [kind](const auto &e) { return e.kind == kind; }));
}

void ImportReportModel::regroup()
{
    std::map<std::string, FileGroup> byFile;
    for (const auto &e : m_entries) {
        FileGroup &g = byFile[e.file];
        g.file = QString::fromStdString(e.file);
        ++g.counts[int(e.kind)];
        if (m_showMapped || e.kind != import::Kind::Mapped)
            g.rows.push_back(&e);
    }
    m_groups.clear();
    for (auto &[file, g] : byFile) {
        std::stable_sort(g.rows.begin(), g.rows.end(), [](auto *a, auto *b) { return a->line < b->line; });
        m_groups.push_back(std::move(g));
    }
}

QModelIndex ImportReportModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, parent.isValid() ? quintptr(parent.row()) : kFileRow);
}

QModelIndex ImportReportModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kFileRow)
        return {};
    return createIndex(int(child.internalId()), 0, kFileRow);
}

int ImportReportModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() == kFileRow && parent.column() == 0)
        return int(m_groups[size_t(parent.row())].rows.size());
    return 0;
}

int ImportReportModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ImportReportModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kFileRow) {
        const FileGroup &g = m_groups[size_t(index.row())];
        // One cell that a view spans over the row: the file and its counts.
        if (role == Qt::DisplayRole && index.column() == FileOrLine)
            return tr("%1 — %2 mapped, %3 approximated, %4 unsupported")
                       .arg(g.file)
                       .arg(g.counts[0])
                       .arg(g.counts[1])
                       .arg(g.counts[2]) +
                   (g.counts[3] ? tr(", %1 errors").arg(g.counts[3]) : QString());
        return {};
    }
    const import::ReportEntry &e = *m_groups[size_t(index.internalId())].rows[size_t(index.row())];
    if (role == KindRole)
        return int(e.kind);
    if (role == Qt::ToolTipRole && index.column() == Text)
        return QString::fromStdString(e.format());
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case FileOrLine:
        return e.line;
    case Kind:
        return kindText(e.kind);
    case Directive:
        return QString::fromStdString(e.directive);
    case Text:
        return QString::fromStdString(e.text);
    }
    return {};
}

QVariant ImportReportModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FileOrLine:
        return tr("File / line");
    case Kind:
        return tr("Kind");
    case Directive:
        return tr("Directive");
    case Text:
        return tr("What hafront does");
    }
    return {};
}

} // namespace hafront::model
