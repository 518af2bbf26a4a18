// The runtime state file as the agent reads it at start: StateFile::load on
// whatever bytes are on disk (hand edits, a torn disk), then pruneOverrides
// against the config. Properties: a file that loads carries only values the
// agent itself could have written, a file that does not is moved aside (never
// deleted), and save -> load keeps the state.
#include "config/configloader.h"
#include "config/defaults.h"
#include "config/snapshot.h"
#include "control/statefile.h"
#include "fuzzcheck.h"

#include <google/protobuf/stubs/logging.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace hafront;
namespace fs = std::filesystem;

namespace {

fs::path g_dir;
v1::Cluster g_cluster;

// The names the seeds use, so that overrides survive pruning.
const char *kCluster = R"(
name: "fuzz"
node { name: "fe1" address: "192.0.2.11" }
node { name: "fe2" address: "192.0.2.12" }
vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24"
      priority { node: "fe1" value: 150 } priority { node: "fe2" value: 100 } }
pool { name: "app" protocol: HTTP
       backend { name: "app1" address: "192.0.2.21:8080" }
       backend { name: "app2" address: "192.0.2.22:8080" weight: 3 }
       health { tcp {} } }
listener { name: "web" bind: "192.0.2.100:80" protocol: HTTP route { path_prefix: "/" pool: "app" } }
)";

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    google::protobuf::SetLogHandler(nullptr);
    // run.sh points TMPDIR into its scratch folder (on tmpfs, where fsync costs nothing).
    const char *tmp = std::getenv("TMPDIR");
    const fs::path base = tmp && *tmp                       ? fs::path(tmp)
                          : ::access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm")
                                                            : fs::temp_directory_path();
    g_dir = base / ("hafront-fuzz-statefile-" + std::to_string(::getpid()));
    fs::create_directories(g_dir);
    std::atexit([] {
        std::error_code ec;
        fs::remove_all(g_dir, ec);
    });
    auto loaded = config::loadClusterText(kCluster, "fuzz.conf", "");
    FUZZ_CHECK(loaded.ok(), "the fixed cluster is valid");
    g_cluster = loaded.cluster;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fs::path path = g_dir / "state.txtpb";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    }
    control::StateFile file(path.string());
    const auto loaded = file.load();
    std::error_code ec;
    if (!loaded.problem.empty()) {
        FUZZ_CHECK(!fs::exists(path), "a corrupt file is moved aside");
        FUZZ_CHECK(loaded.state.backend_size() == 0 && loaded.state.vip_size() == 0, "and nothing of it is used");
        size_t aside = 0;
        for (const auto &entry : fs::directory_iterator(g_dir))
            aside += entry.path().filename().string().rfind("state.txtpb.corrupt-", 0) == 0 ? 1 : 0;
        FUZZ_CHECK(aside == 1, "the corrupt file is kept for the operator");
        for (const auto &entry : fs::directory_iterator(g_dir))
            fs::remove(entry.path(), ec);
        return 0;
    }

    for (const auto &o : loaded.state.backend()) {
        FUZZ_CHECK(!o.has_weight() || o.weight() <= config::kMaxWeight, "a loaded weight is within 0-1000");
        FUZZ_CHECK(v1::BackendState_IsValid(o.state()), "a loaded backend state is ready, drain or maint");
    }
    v1::RuntimeState pruned = loaded.state;
    const int dropped = config::pruneOverrides(g_cluster, pruned);
    FUZZ_CHECK(dropped >= 0 && dropped == (loaded.state.backend_size() + loaded.state.vip_size()) -
                                              (pruned.backend_size() + pruned.vip_size()),
               "pruning counts what it drops");

    FUZZ_CHECK(file.save(loaded.state).ok(), "a loaded state can be saved");
    const auto again = file.load();
    FUZZ_CHECK(again.problem.empty(), "a saved state loads");
    FUZZ_CHECK(again.state.SerializeAsString() == loaded.state.SerializeAsString(), "save -> load keeps the state");
    fs::remove(path, ec);
    return 0;
}
