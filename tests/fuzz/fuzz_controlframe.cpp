// The control protocol as both ends read it: bytes cut into frames by
// wire::FrameDecoder, each payload parsed with wire::parsePayload into a
// ClientMessage (the agent's ControlServer) or an AgentMessage (the console's
// AgentLink). Properties: any split of the stream gives the same frames, a
// failed stream stays failed, and a parsed message survives encodeFrame.
#include "fuzzcheck.h"
#include "hafront/v1/control.pb.h"
#include "wire/framing.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <string>
#include <vector>

using namespace hafront;

namespace {

struct Outcome {
    std::vector<std::string> frames;
    bool failed = false;
};

// Feeds `stream` in pieces of `step` bytes (0: all at once), draining frames after each.
Outcome decode(const std::string &stream, size_t step)
{
    Outcome out;
    wire::FrameDecoder decoder;
    size_t fed = 0;
    while (fed < stream.size() && !out.failed) {
        const size_t n = step == 0 ? stream.size() : std::min(step, stream.size() - fed);
        decoder.append(stream.data() + fed, n);
        fed += n;
        FUZZ_CHECK(decoder.buffered() <= fed, "the decoder holds no more than it was given");
        // Each frame consumes at least its 4-byte length, so this loop is bounded.
        for (size_t guard = 0; guard <= stream.size() / 4 + 1; ++guard) {
            std::string payload, error;
            const auto next = decoder.next(payload, error);
            if (next == wire::FrameDecoder::Next::NeedMore)
                break;
            if (next == wire::FrameDecoder::Next::Error) {
                FUZZ_CHECK(!error.empty(), "an error says why");
                std::string again;
                FUZZ_CHECK(decoder.next(payload, again) == wire::FrameDecoder::Next::Error,
                           "a failed stream stays failed");
                out.failed = true;
                break;
            }
            FUZZ_CHECK(payload.size() <= wire::kMaxFrameBytes, "frames are bounded");
            out.frames.push_back(payload);
            FUZZ_CHECK(guard < stream.size() / 4 + 1, "next() consumes what it returns");
        }
    }
    return out;
}

// Map fields (Event.fields) serialize in hash order unless told otherwise.
std::string canonical(const google::protobuf::MessageLite &message)
{
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        FUZZ_CHECK(message.SerializeToCodedStream(&coded), "a parsed message serializes");
    }
    return out;
}

template <class Message> void parseAndRoundTrip(const std::string &payload)
{
    Message message;
    if (!wire::parsePayload(payload, message)) {
        FUZZ_CHECK(!wire::parsePayload(payload, message).error().empty(), "a refusal names the type");
        return;
    }
    // What the receiver holds is what the other end can send back unchanged.
    const std::string frame = wire::encodeFrame(message);
    wire::FrameDecoder decoder;
    decoder.append(frame.data(), frame.size());
    std::string again, error;
    FUZZ_CHECK(decoder.next(again, error) == wire::FrameDecoder::Next::Frame, "an encoded message is one frame");
    FUZZ_CHECK(decoder.buffered() == 0, "and nothing more");
    Message reparsed;
    FUZZ_CHECK(wire::parsePayload(again, reparsed).ok(), "an encoded message parses");
    FUZZ_CHECK(canonical(reparsed) == canonical(message), "encode -> parse keeps the message");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    google::protobuf::SetLogHandler(nullptr); // invalid UTF-8 is refused, not logged per input
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // First byte: bit 0 picks the direction, the rest the size of the pieces.
    const bool toAgent = (data[0] & 1) == 0;
    const size_t step = data[0] >> 1;
    const std::string stream(reinterpret_cast<const char *>(data) + 1, size - 1);

    const Outcome whole = decode(stream, 0);
    const Outcome pieces = decode(stream, step);
    FUZZ_CHECK(whole.frames == pieces.frames && whole.failed == pieces.failed, "any split gives the same frames");
    for (const auto &payload : whole.frames) {
        if (toAgent)
            parseAndRoundTrip<v1::ClientMessage>(payload);
        else
            parseAndRoundTrip<v1::AgentMessage>(payload);
    }
    return 0;
}
