// VRRPv3 advertisement codec: round trip, the checksum over the pseudo-header,
// and every malformed packet dropped with its reason.
#include "vrrp/packet.h"

#include <QtTest>

using namespace hafront::vrrp;

namespace {
constexpr uint32_t kSrc = 0xC000020B, kDst = kMulticastGroup;

// A whole IPv4 packet around a VRRP payload, TTL 255 unless told otherwise.
QByteArray ipPacket(const std::vector<uint8_t> &vrrp, uint8_t ttl = 255, uint8_t proto = kProtocol)
{
    QByteArray p(20, 0);
    p[0] = char(0x45);
    const int total = 20 + int(vrrp.size());
    p[2] = char(total >> 8);
    p[3] = char(total & 0xff);
    p[8] = char(ttl);
    p[9] = char(proto);
    for (int i = 0; i < 4; ++i) {
        p[12 + i] = char(kSrc >> (24 - 8 * i));
        p[16 + i] = char(kDst >> (24 - 8 * i));
    }
    p.append(reinterpret_cast<const char *>(vrrp.data()), qsizetype(vrrp.size()));
    return p;
}

std::vector<uint8_t> good()
{
    Advert a;
    a.vrid = 51;
    a.priority = 150;
    a.maxAdvertIntervalCs = 10;
    a.addresses = {0xC0000264};
    return encode(a, kSrc, kDst);
}

// Re-checksums after a mutation so that only the intended field is wrong.
std::vector<uint8_t> fixSum(std::vector<uint8_t> v)
{
    v[6] = v[7] = 0;
    const uint32_t pseudo = (kSrc >> 16) + (kSrc & 0xffff) + (kDst >> 16) + (kDst & 0xffff) + kProtocol + uint32_t(v.size());
    const uint16_t s = internetChecksum(v.data(), v.size(), pseudo);
    v[6] = uint8_t(s >> 8);
    v[7] = uint8_t(s);
    return v;
}
} // namespace

class TestVrrpCodec : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        const auto p = ipPacket(good());
        Received r;
        QCOMPARE(decode(reinterpret_cast<const uint8_t *>(p.data()), size_t(p.size()), r), Drop::None);
        QCOMPARE(int(r.advert.vrid), 51);
        QCOMPARE(int(r.advert.priority), 150);
        QCOMPARE(int(r.advert.maxAdvertIntervalCs), 10);
        QCOMPARE(r.advert.addresses.size(), size_t(1));
        QCOMPARE(r.advert.addresses[0], 0xC0000264u);
        QCOMPARE(r.srcIp, kSrc);
    }

    void knownBytes()
    {
        // Hand-computed: version 3 type 1, vrid 51, prio 150, 1 address, 10 cs.
        const auto v = good();
        QCOMPARE(int(v[0]), 0x31);
        QCOMPARE(int(v[3]), 1);
        QCOMPARE(int(v[4]), 0);
        QCOMPARE(int(v[5]), 10);
        QCOMPARE(v.size(), size_t(12));
    }

    void malformedPacketsAreDroppedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("packet");
        QTest::addColumn<int>("reason");
        auto mutate = [](auto f, bool resum = true) {
            auto v = good();
            f(v);
            return resum ? fixSum(v) : v;
        };
        QTest::newRow("empty") << QByteArray() << int(Drop::TooShort);
        QTest::newRow("IP header only") << ipPacket({}).left(20) << int(Drop::TooShort);
        QTest::newRow("truncated VRRP") << ipPacket(good()).left(24) << int(Drop::TooShort);
        QTest::newRow("not IPv4") << QByteArray(ipPacket(good())).replace(0, 1, "\x65") << int(Drop::TooShort);
        QTest::newRow("wrong IP protocol") << ipPacket(good(), 255, 17) << int(Drop::NotVrrp);
        QTest::newRow("TTL 254 (routed)") << ipPacket(good(), 254) << int(Drop::BadTtl);
        QTest::newRow("TTL 1") << ipPacket(good(), 1) << int(Drop::BadTtl);
        QTest::newRow("version 2") << ipPacket(mutate([](auto &v) { v[0] = 0x21; })) << int(Drop::BadVersion);
        QTest::newRow("version 4") << ipPacket(mutate([](auto &v) { v[0] = 0x41; })) << int(Drop::BadVersion);
        QTest::newRow("type 2") << ipPacket(mutate([](auto &v) { v[0] = 0x32; })) << int(Drop::BadType);
        QTest::newRow("type 0") << ipPacket(mutate([](auto &v) { v[0] = 0x30; })) << int(Drop::BadType);
        QTest::newRow("bad checksum") << ipPacket(mutate([](auto &v) { v[7] ^= 0x55; }, false)) << int(Drop::BadChecksum);
        QTest::newRow("priority flipped after checksum")
            << ipPacket(mutate([](auto &v) { v[2] = 7; }, false)) << int(Drop::BadChecksum);
        QTest::newRow("zero addresses") << ipPacket(mutate([](auto &v) { v[3] = 0; })) << int(Drop::BadAddressCount);
        QTest::newRow("more addresses than bytes") << ipPacket(mutate([](auto &v) { v[3] = 5; })) << int(Drop::BadAddressCount);
        QTest::newRow("interval 0") << ipPacket(mutate([](auto &v) { v[4] = 0; v[5] = 0; })) << int(Drop::BadInterval);
        QTest::newRow("IP total length shorter than VRRP")
            << QByteArray(ipPacket(good())).replace(2, 2, QByteArray("\x00\x18", 2)) << int(Drop::TooShort);
    }
    void malformedPacketsAreDroppedWithAReason()
    {
        QFETCH(QByteArray, packet);
        QFETCH(int, reason);
        Received r;
        QCOMPARE(int(decode(reinterpret_cast<const uint8_t *>(packet.data()), size_t(packet.size()), r)), reason);
        QVERIFY(std::string(dropName(Drop(reason))) != "other");
    }
};

QTEST_GUILESS_MAIN(TestVrrpCodec)
#include "tst_vrrpcodec.moc"
