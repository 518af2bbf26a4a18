// The importer on a corpus of real-world-style configs (distribution
// defaults, vendor samples, tutorial and public-repository layouts, broken,
// templated and placeholder-filled files; tests/import/corpus/SOURCES.md says
// what each follows). Each case file under cases/ names the inputs and the
// mapping expected: report lines, cluster fields, validity. Mutated copies
// of every file must import without a crash and with a report.
#include "importtesting.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QtTest>

using namespace hafront::import;
using namespace importtesting;

namespace {

QString corpusDir()
{
    return QStringLiteral(HAFRONT_SOURCE_DIR "/tests/import/corpus");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every corpus file, mounted at /corpus/REL, and a folder's files at a
// chosen root too ("mount nginx/debian /").
void mount(MemoryReader &reader, const QString &from, const QString &at)
{
    const QString base = corpusDir() + "/" + from;
    QDirIterator it(base, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(base).relativeFilePath(path);
        reader.add(QDir::cleanPath(at + "/" + rel).toStdString(), readAll(path).toStdString());
    }
}

} // namespace

class TestImportCorpus : public QObject {
    Q_OBJECT
private slots:
    void corpusImportsAsExpected_data()
    {
        QTest::addColumn<QString>("caseFile");
        const auto cases = QDir(corpusDir() + "/cases").entryList({"*.case"}, QDir::Files, QDir::Name);
        QVERIFY(cases.size() >= 20);
        for (const auto &c : cases)
            QTest::newRow(qPrintable(c)) << corpusDir() + "/cases/" + c;
    }
    void corpusImportsAsExpected()
    {
        QFETCH(QString, caseFile);
        MemoryReader reader;
        mount(reader, "", "/corpus");
        ImportRequest req;
        QStringList entries, fields, problems, absent;
        QString valid;
        for (QString line : QString::fromUtf8(readAll(caseFile)).split('\n')) {
            line = line.trimmed();
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const QString word = line.section(' ', 0, 0), rest = line.section(' ', 1);
            const QStringList args = rest.split(' ', Qt::SkipEmptyParts);
            if (word == "mount")
                mount(reader, args.value(0), args.value(1));
            else if (word == "nginx")
                req.nginxFile = rest.toStdString();
            else if (word == "prefix")
                req.nginxPrefix = rest.toStdString();
            else if (word == "keepalived")
                req.keepalivedFiles.push_back({args.value(0).toStdString(), args.value(1).toStdString()});
            else if (word == "node")
                req.nodes.push_back({args.value(0).toStdString(), args.value(1).toStdString()});
            else if (word == "dir")
                reader.addDirectory(rest.toStdString());
            else if (word == "valid")
                valid = rest;
            else if (word == "entry")
                entries << rest;
            else if (word == "field")
                fields << rest;
            else if (word == "problem")
                problems << rest;
            else if (word == "absent")
                absent << rest;
            else
                QFAIL(qPrintable("unknown case line: " + line));
        }
        QVERIFY2(valid == "yes" || valid == "no", "a case says valid yes|no");
        const ImportResult r = runImport(req, reader);
        if (qEnvironmentVariableIsSet("HAFRONT_IMPORT_DUMP")) // to write a case: read this, check each line
            qInfo("%s\n%s", dump(r.report).c_str(), r.configText.c_str());
        const QString why = QString::fromStdString(r.problems.empty() ? "" : r.problems[0]);
        QVERIFY2(r.ok() == (valid == "yes"), qPrintable(why + "\n" + QString::fromStdString(dump(r.report))));
        for (const auto &spec : entries) {
            const QString file = spec.section('|', 0, 0);
            QVERIFY2(hasEntry(r.report, file.toStdString(), spec.section('|', 1)),
                     qPrintable("missing " + spec + "\n" + QString::fromStdString(dump(r.report))));
        }
        for (const auto &f : fields) {
            const auto eq = f.indexOf('=');
            const auto got = field(r.cluster, f.left(eq).toStdString());
            QVERIFY2(got && QString::fromStdString(*got) == f.mid(eq + 1),
                     qPrintable(f + " but got " + (got ? QString::fromStdString(*got) : QString("(absent)")) + "\n" +
                                QString::fromStdString(r.configText)));
        }
        for (const auto &p : problems)
            QVERIFY2(std::any_of(r.problems.begin(), r.problems.end(),
                                 [&](const std::string &x) { return x.find(p.toStdString()) != std::string::npos; }),
                     qPrintable("no problem saying " + p + "; have: " + why));
        const std::string all = r.configText + reportJson(r.report);
        for (const auto &a : absent)
            QVERIFY2(all.find(a.toStdString()) == std::string::npos, qPrintable(a + " was carried"));
        for (const auto &e : r.report)
            QVERIFY2(e.text.find("the importer has no rule") == std::string::npos, e.format().c_str());
    }

    void everyCorpusFileHasItsSourceNoted()
    {
        const QString sources = QString::fromUtf8(readAll(corpusDir() + "/SOURCES.md"));
        int files = 0;
        for (const char *dir : {"nginx", "keepalived"}) {
            QDirIterator it(corpusDir() + "/" + dir, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString rel = QDir(corpusDir()).relativeFilePath(it.next());
                ++files;
                QVERIFY2(sources.contains("`" + rel + "`"), qPrintable(rel + " is not in SOURCES.md"));
            }
        }
        QVERIFY(files >= 27);
    }

    // Truncations and byte flips of every file: an import always ends, with
    // a report, and a valid result is a config the validator accepts.
    void mutatedFilesNeverCrash()
    {
        QRandomGenerator rng(18); // fixed seed: the same mutations every run
        QDirIterator it(corpusDir(), QDir::Files, QDirIterator::Subdirectories);
        int runs = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            if (path.endsWith(".case") || path.endsWith(".md"))
                continue;
            const QByteArray text = readAll(path);
            for (int i = 0; i < 40; ++i) {
                QByteArray m = text;
                if (i % 2 == 0 && !m.isEmpty())
                    m.truncate(int(rng.bounded(m.size())));
                for (int flips = int(rng.bounded(4)); flips > 0 && !m.isEmpty(); --flips)
                    m[int(rng.bounded(m.size()))] = "{};\"'#!@$\n \\x"[rng.bounded(14)];
                MemoryReader reader;
                reader.add("/in.conf", m.toStdString());
                ImportRequest req;
                req.nodes.push_back({"fe1", "192.0.2.11"});
                req.nginxFile = "/in.conf";
                const auto asNginx = runImport(req, reader);
                req.nginxFile.clear();
                req.keepalivedFiles.push_back({"fe1", "/in.conf"});
                const auto asKeepalived = runImport(req, reader);
                QVERIFY(!asNginx.report.empty() || m.trimmed().isEmpty() || m.trimmed().startsWith('#'));
                QVERIFY(!asNginx.configText.empty() && !asKeepalived.configText.empty());
                ++runs;
            }
        }
        QVERIFY(runs > 1000);
    }
};

QTEST_GUILESS_MAIN(TestImportCorpus)
#include "tst_importcorpus.moc"
