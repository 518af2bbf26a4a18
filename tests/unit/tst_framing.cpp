// Control-protocol framing: a 4-byte big-endian length, then one protobuf
// message. Frames survive any split of the byte stream; oversize lengths and
// unparsable payloads are error values that say why.
#include "wire/framing.h"

#include "hafront/v1/control.pb.h"

#include <QTest>

#include <string>
#include <vector>

using namespace hafront;
using hafront::wire::FrameDecoder;

Q_DECLARE_METATYPE(std::string)

namespace {

v1::ClientMessage setWeight(uint64_t id, const std::string &backend, uint32_t weight)
{
    v1::ClientMessage m;
    auto *c = m.mutable_command();
    c->set_id(id);
    auto *w = c->mutable_set_weight();
    w->set_pool("app");
    w->set_backend(backend);
    w->set_weight(weight);
    return m;
}

std::string header(uint32_t length)
{
    return {char(length >> 24), char((length >> 16) & 0xff), char((length >> 8) & 0xff), char(length & 0xff)};
}

// Feeds `stream` to a decoder `chunk` bytes at a time, collecting every frame.
std::vector<std::string> decodeInChunks(const std::string &stream, size_t chunk, std::string &error)
{
    FrameDecoder decoder;
    std::vector<std::string> frames;
    for (size_t at = 0; at < stream.size(); at += chunk) {
        decoder.append(stream.data() + at, std::min(chunk, stream.size() - at));
        std::string payload;
        for (;;) {
            const auto next = decoder.next(payload, error);
            if (next == FrameDecoder::Next::Frame)
                frames.push_back(payload);
            else if (next == FrameDecoder::Next::Error)
                return frames;
            else
                break;
        }
    }
    if (decoder.buffered() != 0)
        error = "left over: " + std::to_string(decoder.buffered()) + " bytes";
    return frames;
}

} // namespace

class TestFraming : public QObject {
    Q_OBJECT
private slots:
    void encoderWritesBigEndianLengthThenMessage()
    {
        const auto message = setWeight(7, "b1", 42);
        const std::string frame = wire::encodeFrame(message);
        const size_t size = message.ByteSizeLong();
        QCOMPARE(frame.size(), 4 + size);
        QCOMPARE(frame.substr(0, 4), header(uint32_t(size)));
        QCOMPARE(frame.substr(4), message.SerializeAsString());
    }

    void framesSurviveAnySplitOfTheStream_data()
    {
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("payloadBytes");
        QTest::addColumn<int>("chunk");
        QTest::newRow("one whole frame in one read") << 1 << 20 << 0;
        QTest::newRow("one frame byte by byte") << 1 << 20 << 1;
        QTest::newRow("header split 3+rest") << 1 << 20 << 3;
        QTest::newRow("exactly the header per read") << 1 << 20 << 4;
        QTest::newRow("five frames byte by byte") << 5 << 30 << 1;
        QTest::newRow("five frames in one read") << 5 << 30 << 0;
        QTest::newRow("five frames, 7-byte reads") << 5 << 30 << 7;
        QTest::newRow("reads straddle frames") << 20 << 100 << 149;
        QTest::newRow("200 x 1 KiB, 777-byte reads (buffer compacts)") << 200 << 1000 << 777;
        QTest::newRow("200 x 1 KiB, 64 KiB reads") << 200 << 1000 << 65536;
        QTest::newRow("one 1 MiB frame, 4 KiB reads") << 1 << (1 << 20) << 4096;
    }
    void framesSurviveAnySplitOfTheStream()
    {
        QFETCH(int, frames);
        QFETCH(int, payloadBytes);
        QFETCH(int, chunk);
        std::string stream;
        std::vector<v1::ClientMessage> sent;
        for (int i = 0; i < frames; ++i) {
            // A backend name of the wanted size makes each payload distinct and sized.
            sent.push_back(setWeight(uint64_t(i), std::string(size_t(payloadBytes), char('a' + i % 26)), uint32_t(i)));
            stream += wire::encodeFrame(sent.back());
        }
        std::string error;
        const auto got = decodeInChunks(stream, chunk > 0 ? size_t(chunk) : stream.size(), error);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(got.size(), sent.size());
        for (size_t i = 0; i < got.size(); ++i) {
            v1::ClientMessage back;
            const auto parsed = wire::parsePayload(got[i], back);
            QVERIFY2(parsed.ok(), parsed.error().c_str());
            QCOMPARE(back.SerializeAsString(), sent[i].SerializeAsString());
            QCOMPARE(back.command().id(), uint64_t(i));
        }
    }

    void incompleteFrameNeedsMore_data()
    {
        QTest::addColumn<std::string>("bytes");
        QTest::newRow("nothing") << std::string();
        QTest::newRow("three header bytes") << header(10).substr(0, 3);
        QTest::newRow("header only") << header(10);
        QTest::newRow("header and 9 of 10 bytes") << header(10) + std::string(9, 'x');
        QTest::newRow("a limit-sized frame's header") << header(uint32_t(wire::kMaxFrameBytes));
    }
    void incompleteFrameNeedsMore()
    {
        QFETCH(std::string, bytes);
        FrameDecoder decoder;
        decoder.append(bytes.data(), bytes.size());
        std::string payload, error;
        QCOMPARE(decoder.next(payload, error), FrameDecoder::Next::NeedMore);
        QCOMPARE(decoder.next(payload, error), FrameDecoder::Next::NeedMore);
        QVERIFY(error.empty());
        QCOMPARE(decoder.buffered(), bytes.size());
    }

    void oversizeLengthIsRefusedWithTheReason_data()
    {
        QTest::addColumn<std::string>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("limit + 1") << header(uint32_t(wire::kMaxFrameBytes + 1))
                                   << "frame of 4194305 bytes is over the limit of 4194304";
        QTest::newRow("0xffffffff") << header(0xffffffffu) << "frame of 4294967295 bytes is over the limit of 4194304";
        // An HTTP client that dialled the control socket by mistake.
        QTest::newRow("HTTP request") << std::string("GET / HTTP/1.1\r\n\r\n")
                                      << "frame of 1195725856 bytes is over the limit of 4194304";
        QTest::newRow("after a good frame") << wire::encodeFrame(setWeight(1, "b1", 1)) + header(0x7fffffffu)
                                            << "frame of 2147483647 bytes is over the limit of 4194304";
    }
    void oversizeLengthIsRefusedWithTheReason()
    {
        QFETCH(std::string, bytes);
        QFETCH(QString, reason);
        FrameDecoder decoder;
        decoder.append(bytes.data(), bytes.size());
        std::string payload, error;
        auto next = decoder.next(payload, error);
        if (next == FrameDecoder::Next::Frame) // the good frame in front
            next = decoder.next(payload, error);
        QCOMPARE(next, FrameDecoder::Next::Error);
        QCOMPARE(QString::fromStdString(error), reason);
        // The stream is unusable from then on, even if more bytes arrive.
        const std::string more = wire::encodeFrame(setWeight(2, "b2", 2));
        decoder.append(more.data(), more.size());
        error.clear();
        QCOMPARE(decoder.next(payload, error), FrameDecoder::Next::Error);
        QCOMPARE(QString::fromStdString(error), QString("stream already failed"));
    }

    void zeroLengthFrameIsAnEmptyMessage()
    {
        // Proto3 encodes an all-default message as zero bytes, so a zero length
        // is a valid frame: an empty ClientMessage (no body). The framing layer
        // passes it up; the agent then refuses it as "empty message".
        const std::string bytes = header(0) + wire::encodeFrame(setWeight(3, "b3", 3));
        FrameDecoder decoder;
        decoder.append(bytes.data(), bytes.size());
        std::string payload = "stale", error;
        QCOMPARE(decoder.next(payload, error), FrameDecoder::Next::Frame);
        QVERIFY(payload.empty());
        v1::ClientMessage empty;
        QVERIFY(wire::parsePayload(payload, empty).ok());
        QCOMPARE(empty.body_case(), v1::ClientMessage::BODY_NOT_SET);
        QCOMPARE(wire::encodeFrame(v1::ClientMessage()), header(0));
        // The frame after it is intact.
        QCOMPARE(decoder.next(payload, error), FrameDecoder::Next::Frame);
        v1::ClientMessage after;
        QVERIFY(wire::parsePayload(payload, after).ok());
        QCOMPARE(after.command().id(), uint64_t(3));
    }

    void garbagePayloadIsRefusedNamingTheType_data()
    {
        QTest::addColumn<std::string>("payload");
        QTest::newRow("field 1 claims 16 bytes, has 3") << std::string("\x0a\x10"
                                                                       "abc",
                                                                       5);
        QTest::newRow("unterminated varint") << std::string("\x08\xff\xff\xff", 4);
        QTest::newRow("end-group without start") << std::string("\x0c", 1);
        QTest::newRow("field number 0") << std::string("\x00\x01", 2);
    }
    void garbagePayloadIsRefusedNamingTheType()
    {
        QFETCH(std::string, payload);
        // The decoder frames it fine: it only knows lengths.
        const std::string bytes = header(uint32_t(payload.size())) + payload;
        FrameDecoder decoder;
        decoder.append(bytes.data(), bytes.size());
        std::string got, error;
        QCOMPARE(decoder.next(got, error), FrameDecoder::Next::Frame);
        QCOMPARE(got, payload);
        v1::ClientMessage message;
        const auto parsed = wire::parsePayload(got, message);
        QVERIFY(!parsed.ok());
        QCOMPARE(QString::fromStdString(parsed.error()),
                 QString("cannot parse a hafront.v1.ClientMessage frame of %1 bytes").arg(payload.size()));
    }

    void everyAgentMessageKindRoundTrips()
    {
        std::vector<v1::AgentMessage> sent(5);
        sent[0].mutable_hello()->set_protocol_version(wire::kProtocolVersion);
        sent[0].mutable_hello()->set_peer_user("alice");
        sent[1].mutable_status()->set_node("lb1");
        sent[1].mutable_status()->set_status_seq(99);
        sent[2].mutable_event()->set_seq(12);
        sent[3].mutable_result()->set_id(5);
        sent[3].mutable_result()->set_error("refused: backend 'b9' is not in pool 'app'");
        sent[4].mutable_error()->set_message("protocol version 2 is not 1");
        std::string stream;
        for (const auto &m : sent)
            stream += wire::encodeFrame(m);
        std::string error;
        const auto got = decodeInChunks(stream, 2, error);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(got.size(), sent.size());
        for (size_t i = 0; i < got.size(); ++i) {
            v1::AgentMessage back;
            QVERIFY(wire::parsePayload(got[i], back).ok());
            QCOMPARE(back.body_case(), sent[i].body_case());
            QCOMPARE(back.SerializeAsString(), sent[i].SerializeAsString());
        }
    }
};

QTEST_APPLESS_MAIN(TestFraming)
#include "tst_framing.moc"
