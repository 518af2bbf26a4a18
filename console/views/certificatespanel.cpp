#include "views/certificatespanel.h"

#include "model/certificatestablemodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace hafront::views {

using model::CertificatesTableModel;

namespace {

// The console's warning and alarm colours (topology: a lost node, a split
// brain; the import report: approximated, error): amber rows under 14 days,
// red rows once expired, a red fingerprint where the nodes disagree.
class ExpiryDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto e = model::Expiry(index.data(CertificatesTableModel::ExpiryRole).toInt());
        const bool mismatch = index.column() == CertificatesTableModel::Fingerprint &&
                              index.data(CertificatesTableModel::MismatchRole).toBool();
        if (e == model::Expiry::Expired || mismatch)
            option->backgroundBrush = QColor(0xff, 0xcd, 0xd2);
        else if (e == model::Expiry::Soon)
            option->backgroundBrush = QColor(0xff, 0xe0, 0xb2);
        if (e != model::Expiry::Valid || mismatch) {
            const QColor text =
                e == model::Expiry::Soon && !mismatch ? QColor(0xa8, 0x5d, 0x00) : QColor(0xc6, 0x28, 0x28);
            option->palette.setColor(QPalette::Text, text);
            option->palette.setColor(QPalette::HighlightedText, text);
        }
    }
};

} // namespace

CertificatesPanel::CertificatesPanel(CertificatesTableModel *certificates, QWidget *parent)
    : QWidget(parent), m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)),
      m_filter(new QLineEdit(this)), m_problems(new QLabel(this))
{
    m_proxy->setSourceModel(certificates);
    m_proxy->setSortRole(CertificatesTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter certificates (node, listener, name, issuer)…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_problems->setObjectName(QStringLiteral("certificateProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setStyleSheet(QStringLiteral("color:#c62828;font-weight:bold;padding:2px;"));
    m_problems->hide();

    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new ExpiryDelegate(m_table));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_problems);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

void CertificatesPanel::showFindings(const std::vector<model::CertificateFinding> &findings)
{
    QStringList lines;
    for (const model::CertificateFinding &f : findings)
        lines << QStringLiteral("⚠ ") + f.title;
    m_problems->setText(lines.join(QLatin1Char('\n')));
    m_problems->setToolTip([&] {
        QStringList texts;
        for (const model::CertificateFinding &f : findings)
            texts << f.text;
        return texts.join(QStringLiteral("\n\n"));
    }());
    m_problems->setVisible(!findings.empty());
}

} // namespace hafront::views
