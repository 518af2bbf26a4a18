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
    const uint32_t pseudo =
        (kSrc >> 16) + (kSrc & 0xffff) + (kDst >> 16) + (kDst & 0xffff) + kProtocol + uint32_t(v.size());
    const uint16_t s = internetChecksum(v.data(), v.size(), pseudo);
    v[6] = uint8_t(s >> 8);
    v[7] = uint8_t(s);
    return v;
}

// Adverts sent by keepalived 2.2.7 (Debian 12), IP header onwards. Captured in a
// namespace lab (tests/lab/lab.sh, k1=192.0.2.11, k2=192.0.2.12) with
// `ip netns exec LAB-k2 tcpdump -i eth0 -nn -w cap.pcap ip proto 112` while
// `ip netns exec LAB-k1 keepalived -n -l -D -f k.conf -p PID -r VRRP_PID` ran
// with vrrp_version 3, virtual_router_id 51, priority 100, interface eth0,
// virtual_ipaddress 192.0.2.100/24 and advert_int 1 resp. 0.1; the priority-0
// advert is the one keepalived sent when `timeout` stopped it with SIGTERM.
// Bytes from `tcpdump -r cap.pcap -xx` with the 14-byte Ethernet header cut.
// QByteArray::fromHex skips the spaces; the IP header and VRRP part are kept apart.
QByteArray keepalivedPacket(const char *hex)
{
    return QByteArray::fromHex(hex);
}
constexpr char kKeepalivedAdvert1s[] = "45c0 0020 0001 0000 ff70 188f c000 020b e000 0012 "
                                       "3133 6401 0064 0568 c000 0264";
constexpr char kKeepalivedAdvert100ms[] = "45c0 0020 0001 0000 ff70 188f c000 020b e000 0012 "
                                          "3133 6401 000a 05c2 c000 0264";
constexpr char kKeepalivedPriorityZero[] = "45c0 0020 0016 0000 ff70 187a c000 020b e000 0012 "
                                           "3133 0001 000a 69c2 c000 0264";
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

    void keepalivedAdvertDecodes_data()
    {
        QTest::addColumn<QByteArray>("packet");
        QTest::addColumn<int>("priority");
        QTest::addColumn<int>("intervalCs");
        QTest::newRow("advert_int 1") << keepalivedPacket(kKeepalivedAdvert1s) << 100 << 100;
        QTest::newRow("advert_int 0.1") << keepalivedPacket(kKeepalivedAdvert100ms) << 100 << 10;
        QTest::newRow("priority 0 on stop") << keepalivedPacket(kKeepalivedPriorityZero) << 0 << 10;
    }
    void keepalivedAdvertDecodes()
    {
        QFETCH(QByteArray, packet);
        QFETCH(int, priority);
        QFETCH(int, intervalCs);
        QCOMPARE(packet.size(), 32);
        Received r;
        // Drop::None means version, type, TTL 255, count and checksum all passed.
        QCOMPARE(decode(reinterpret_cast<const uint8_t *>(packet.data()), size_t(packet.size()), r), Drop::None);
        QCOMPARE(int(r.advert.vrid), 51);
        QCOMPARE(int(r.advert.priority), priority);
        QCOMPARE(int(r.advert.maxAdvertIntervalCs), intervalCs);
        QCOMPARE(r.advert.addresses, std::vector<uint32_t>{0xC0000264}); // 192.0.2.100
        QCOMPARE(r.srcIp, 0xC000020Bu);                                  // 192.0.2.11
        QCOMPARE(r.dstIp, kMulticastGroup);
    }

    void ourEncoderMatchesKeepalivedBytes_data() { keepalivedAdvertDecodes_data(); }
    void ourEncoderMatchesKeepalivedBytes()
    {
        QFETCH(QByteArray, packet);
        QFETCH(int, priority);
        QFETCH(int, intervalCs);
        Advert a;
        a.vrid = 51;
        a.priority = uint8_t(priority);
        a.maxAdvertIntervalCs = uint16_t(intervalCs);
        a.addresses = {0xC0000264};
        const auto ours = encode(a, 0xC000020B, kMulticastGroup);
        const QByteArray keepalivedVrrp = packet.mid(20); // after the 20-byte IP header
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(ours.data()), qsizetype(ours.size())).toHex(),
                 keepalivedVrrp.toHex());
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
        QTest::newRow("bad checksum") << ipPacket(mutate([](auto &v) { v[7] ^= 0x55; }, false))
                                      << int(Drop::BadChecksum);
        QTest::newRow("priority flipped after checksum")
            << ipPacket(mutate([](auto &v) { v[2] = 7; }, false)) << int(Drop::BadChecksum);
        QTest::newRow("zero addresses") << ipPacket(mutate([](auto &v) { v[3] = 0; })) << int(Drop::BadAddressCount);
        QTest::newRow("more addresses than bytes")
            << ipPacket(mutate([](auto &v) { v[3] = 5; })) << int(Drop::BadAddressCount);
        QTest::newRow("interval 0") << ipPacket(mutate([](auto &v) {
            v[4] = 0;
            v[5] = 0;
        })) << int(Drop::BadInterval);
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
