// The state file holds the operator's runtime overrides. It is replaced
// atomically: a reader sees the old complete state or the new one, never a
// torn mix, and a corrupt file is moved aside with an error naming it.
#include "control/statefile.h"

#include <google/protobuf/text_format.h>

#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace hafront;
using hafront::control::StateFile;

Q_DECLARE_METATYPE(std::string)

namespace {

v1::RuntimeState stateWithWeights(uint64_t generation, int backends, uint32_t weight)
{
    v1::RuntimeState s;
    s.set_generation(generation);
    for (int i = 0; i < backends; ++i) {
        auto *b = s.add_backend();
        b->set_pool("app");
        b->set_backend("b" + std::to_string(i));
        b->set_weight(weight);
        b->set_state(i % 3 == 0 ? v1::DRAIN : v1::READY);
    }
    auto *v = s.add_vip();
    v->set_vip("www");
    v->set_maintenance(generation % 2 == 1);
    return s;
}

void writeRaw(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string readRaw(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> filesIn(const QString &dir)
{
    std::vector<std::string> names;
    for (const auto &e : std::filesystem::directory_iterator(dir.toStdString()))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

class TestStateFile : public QObject {
    Q_OBJECT
private slots:
    void missingFileIsAnEmptyStateWithoutProblem()
    {
        QTemporaryDir dir;
        const auto loaded = StateFile((dir.path() + "/state.txtpb").toStdString()).load();
        QVERIFY(loaded.problem.empty());
        QCOMPARE(loaded.state.backend_size(), 0);
        QCOMPARE(loaded.state.generation(), uint64_t(0));
    }

    void savedStateReadsBack()
    {
        QTemporaryDir dir;
        const StateFile file((dir.path() + "/state.txtpb").toStdString());
        const auto state = stateWithWeights(3, 5, 42);
        const auto saved = file.save(state);
        QVERIFY2(saved.ok(), saved.error().c_str());
        const auto loaded = file.load();
        QVERIFY2(loaded.problem.empty(), loaded.problem.c_str());
        QCOMPARE(loaded.state.SerializeAsString(), state.SerializeAsString());
        // The temp file was renamed over, not left behind.
        QCOMPARE(filesIn(dir.path()), std::vector<std::string>{"state.txtpb"});
        // A second save replaces the first entirely.
        const auto smaller = stateWithWeights(4, 1, 7);
        QVERIFY(file.save(smaller).ok());
        QCOMPARE(file.load().state.SerializeAsString(), smaller.SerializeAsString());
    }

    void leftoverTempFileNeverWins_data()
    {
        QTest::addColumn<std::string>("tempBytes");
        const auto newer = stateWithWeights(9, 5, 900);
        std::string complete;
        google::protobuf::TextFormat::PrintToString(newer, &complete);
        QTest::newRow("garbage") << std::string("\x01\x02 not a state file {{{");
        QTest::newRow("empty (crash right after open)") << std::string();
        QTest::newRow("truncated mid-write") << complete.substr(0, complete.size() / 2);
        // Even a complete newer state in the temp file was never committed:
        // only the rename commits, so the reader must ignore it.
        QTest::newRow("complete but never renamed") << complete;
    }
    void leftoverTempFileNeverWins()
    {
        QFETCH(std::string, tempBytes);
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/state.txtpb").toStdString();
        const StateFile file(path);
        const auto old = stateWithWeights(2, 3, 20);
        QVERIFY(file.save(old).ok());
        // A crashed writer (another pid) left its temp file next to the good one.
        writeRaw(path + ".tmp.99999", tempBytes);
        const auto loaded = file.load();
        QVERIFY2(loaded.problem.empty(), loaded.problem.c_str());
        QCOMPARE(loaded.state.SerializeAsString(), old.SerializeAsString());
        // And the next save still commits (our own pid's temp name may exist too).
        writeRaw(path + ".tmp." + std::to_string(::getpid()), tempBytes);
        const auto next = stateWithWeights(3, 3, 30);
        QVERIFY(file.save(next).ok());
        QCOMPARE(file.load().state.SerializeAsString(), next.SerializeAsString());
    }

    void killDuringWriteLeavesOldOrNewNeverTorn()
    {
        // A child saves ever-larger states as fast as it can; we SIGKILL it at
        // varying moments and read the file: always a whole state it wrote.
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/state.txtpb").toStdString();
        const StateFile file(path);
        QVERIFY(file.save(stateWithWeights(1, 1, 1)).ok());
        int sawNewer = 0;
        for (int round = 0; round < 20; ++round) {
            const pid_t child = ::fork();
            QVERIFY(child >= 0);
            if (child == 0) {
                for (uint64_t g = 2;; ++g) {
                    // Generation g has g backends, all with weight g: a torn file
                    // would mix counts or weights.
                    const int n = int(g % 400) + 1;
                    if (!file.save(stateWithWeights(g, n, uint32_t(g))).ok())
                        ::_exit(1);
                }
            }
            ::usleep(useconds_t(2000 + round * 1500));
            ::kill(child, SIGKILL);
            int status = 0;
            ::waitpid(child, &status, 0);
            QVERIFY(WIFSIGNALED(status));
            const auto loaded = file.load();
            QVERIFY2(loaded.problem.empty(), loaded.problem.c_str());
            const uint64_t g = loaded.state.generation();
            if (g == 1)
                continue; // killed before its first rename
            ++sawNewer;
            QCOMPARE(loaded.state.backend_size(), int(g % 400) + 1);
            for (const auto &b : loaded.state.backend())
                QCOMPARE(b.weight(), uint32_t(g));
        }
        QVERIFY2(sawNewer > 0, "the child never committed a save: the test proved nothing");
    }

    void corruptFileIsMovedAsideWithAnErrorNamingIt_data()
    {
        QTest::addColumn<std::string>("bytes");
        QTest::addColumn<QString>("why"); // what the problem says is wrong
        QTest::newRow("binary garbage") << std::string("\x00\xff\x13garbage", 10) << "line 1 column 1: ";
        QTest::newRow("unknown field") << std::string("backend { pool: \"app\" colour: \"red\" }\n")
                                       << "no field named \"colour\"";
        QTest::newRow("cut inside a message")
            << std::string("generation: 4\nbackend { pool: \"app\" backend: \"b1\"") << "line 2 column ";
        QTest::newRow("bad enum value") << std::string("backend { pool: \"app\" backend: \"b1\" state: SLEEPY }\n")
                                        << "SLEEPY";
        // Found by fuzz_statefile: text format takes these, the agent would have used them.
        QTest::newRow("weight above 1000") << std::string("backend { pool: \"app\" backend: \"b1\" weight: 5000 }\n")
                                           << "backend 'b1' of pool 'app' has weight 5000, outside 0-1000";
        QTest::newRow("state number outside the enum")
            << std::string("backend { pool: \"app\" backend: \"b1\" state: 7 }\n")
            << "backend 'b1' of pool 'app' has state 7, not ready, drain or maint";
    }
    void corruptFileIsMovedAsideWithAnErrorNamingIt()
    {
        QFETCH(std::string, bytes);
        QFETCH(QString, why);
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/state.txtpb").toStdString();
        writeRaw(path, bytes);
        const auto loaded = StateFile(path).load();
        QVERIFY(!loaded.problem.empty());
        const QString problem = QString::fromStdString(loaded.problem);
        QVERIFY2(problem.startsWith(QString::fromStdString("state file " + path + " is corrupt (")),
                 qPrintable(problem));
        QVERIFY2(problem.contains(why), qPrintable(problem));
        QVERIFY2(problem.contains(QString::fromStdString("); moved aside to " + path + ".corrupt-")),
                 qPrintable(problem));
        QVERIFY2(problem.endsWith("; starting without overrides"), qPrintable(problem));
        QCOMPARE(loaded.state.backend_size(), 0);
        // Never silently reset: the bytes survive, under the name the error gives.
        const auto names = filesIn(dir.path());
        QCOMPARE(names.size(), size_t(1));
        QVERIFY(QString::fromStdString(names[0]).startsWith("state.txtpb.corrupt-"));
        QVERIFY(problem.contains(QString::fromStdString(names[0])));
        QCOMPARE(readRaw(dir.path().toStdString() + "/" + names[0]), bytes);
        // The next start finds no state file and no problem.
        QVERIFY(StateFile(path).load().problem.empty());
    }

    void unwritableDirectoryIsAnErrorNamingTheFile()
    {
        if (::geteuid() == 0)
            QSKIP("root ignores directory permissions; the error path needs a non-root user");
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/ro/state.txtpb").toStdString();
        std::filesystem::create_directory(dir.path().toStdString() + "/ro");
        std::filesystem::permissions(dir.path().toStdString() + "/ro",
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        const auto saved = StateFile(path).save(stateWithWeights(1, 1, 1));
        QVERIFY(!saved.ok());
        QVERIFY2(
            QString::fromStdString(saved.error()).startsWith(QString::fromStdString("cannot write " + path + ".tmp.")),
            saved.error().c_str());
    }

    void missingDirectoryIsAnErrorNamingTheFile()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/absent/state.txtpb").toStdString();
        const auto saved = StateFile(path).save(stateWithWeights(1, 1, 1));
        QVERIFY(!saved.ok());
        QVERIFY2(
            QString::fromStdString(saved.error()).startsWith(QString::fromStdString("cannot write " + path + ".tmp.")),
            saved.error().c_str());
        QVERIFY(saved.error().find("No such file or directory") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestStateFile)
#include "tst_statefile.moc"
