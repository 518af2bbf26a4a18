// VRRPv3 over IPv6 and the unsolicited Neighbor Advertisement: byte for byte
// what keepalived 2.2.7 sends (captured with tcpdump in a namespace: vrid 61,
// priority 150, 100 ms, VIP 2001:db8::100 on a link with MAC 02:00:00:00:00:11),
// the checksum over the IPv6 pseudo-header, and every malformed advert dropped
// with its reason.
#include "vrrp/neighboradvert.h"
#include "vrrp/packet6.h"

#include <QtTest>

using namespace hafront::vrrp;

namespace {
const IPv6 kLinkLocal = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0, 0, 0x11}; // fe80::ff:fe00:11
const IPv6 kVip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00};    // 2001:db8::100
const Mac kMac = {0x02, 0, 0, 0, 0, 0x11};

// keepalived's advert, the VRRP part (after the 40-byte IPv6 header, hop limit 255).
const std::vector<uint8_t> kKeepalivedAdvert = {0x31, 0x3d, 0x96, 0x01, 0x00, 0x0a, 0x0c, 0xcf, 0x20, 0x01, 0x0d, 0xb8,
                                                0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x01, 0x00};
// keepalived's unsolicited NA: IPv6 header + ICMPv6.
const std::vector<uint8_t> kKeepalivedNa = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff,                               // v6, len 32, ICMPv6, hlim 255
    0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0x01, 0x00, // src 2001:db8::100
    0xff, 0x02, 0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0,    0x01, // dst ff02::1
    0x88, 0x00, 0xf7, 0x1c, 0x20, 0x00, 0x00, 0x00,                               // NA, sum, O flag
    0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0x01, 0x00, // target
    0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x11};                              // TLLA option

Advert6 keepalivedAdvert()
{
    Advert6 a;
    a.vrid = 61;
    a.priority = 150;
    a.maxAdvertIntervalCs = 10;
    a.addresses = {kVip};
    return a;
}

std::vector<uint8_t> fixSum(std::vector<uint8_t> v)
{
    v[6] = v[7] = 0;
    const uint16_t s =
        internetChecksum(v.data(), v.size(), pseudoHeaderSum6(kLinkLocal, kMulticastGroup6, v.size(), kProtocol));
    v[6] = uint8_t(s >> 8);
    v[7] = uint8_t(s);
    return v;
}
} // namespace

class TestVrrpCodec6 : public QObject {
    Q_OBJECT
private slots:
    void encodesWhatKeepalivedSends()
    {
        QCOMPARE(encode6(keepalivedAdvert(), kLinkLocal, kMulticastGroup6), kKeepalivedAdvert);
    }

    void decodesWhatKeepalivedSends()
    {
        Received6 got;
        QCOMPARE(decode6(kKeepalivedAdvert.data(), kKeepalivedAdvert.size(), kLinkLocal, kMulticastGroup6, 255, got),
                 Drop::None);
        QCOMPARE(int(got.advert.vrid), 61);
        QCOMPARE(int(got.advert.priority), 150);
        QCOMPARE(int(got.advert.maxAdvertIntervalCs), 10);
        QCOMPARE(got.advert.addresses, std::vector<IPv6>{kVip});
        QCOMPARE(got.src, kLinkLocal);
    }

    void theChecksumCoversThePseudoHeader_data()
    {
        QTest::addColumn<int>("byte"); // flipped: 0-15 source, 16-31 destination
        for (int i : {0, 15, 16, 31})
            QTest::newRow(qPrintable(QString("address byte %1").arg(i))) << i;
    }
    void theChecksumCoversThePseudoHeader()
    {
        QFETCH(int, byte);
        IPv6 src = kLinkLocal, dst = kMulticastGroup6;
        (byte < 16 ? src[size_t(byte)] : dst[size_t(byte - 16)]) ^= 0x01;
        Received6 got;
        QCOMPARE(decode6(kKeepalivedAdvert.data(), kKeepalivedAdvert.size(), src, dst, 255, got), Drop::BadChecksum);
    }

    void malformedAdvertsAreDroppedWithTheirReason_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("hopLimit");
        QTest::addColumn<int>("drop");
        const auto bytes = [](const std::vector<uint8_t> &v) {
            return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size()));
        };
        auto mutate = [&](size_t at, uint8_t value, bool resum = true) {
            auto v = kKeepalivedAdvert;
            v[at] = value;
            return bytes(resum ? fixSum(v) : v);
        };
        QTest::newRow("hop limit 254: routed from elsewhere") << bytes(kKeepalivedAdvert) << 254 << int(Drop::BadTtl);
        QTest::newRow("hop limit unknown") << bytes(kKeepalivedAdvert) << -1 << int(Drop::BadTtl);
        QTest::newRow("seven bytes") << bytes({0x31, 0x3d, 0x96, 0x01, 0x00, 0x0a, 0x0c}) << 255 << int(Drop::TooShort);
        QTest::newRow("version 2") << mutate(0, 0x21) << 255 << int(Drop::BadVersion);
        QTest::newRow("type 2") << mutate(0, 0x32) << 255 << int(Drop::BadType);
        QTest::newRow("no address") << mutate(3, 0) << 255 << int(Drop::BadAddressCount);
        QTest::newRow("two addresses, room for one") << mutate(3, 2) << 255 << int(Drop::BadAddressCount);
        QTest::newRow("interval 0") << [&] {
            auto v = kKeepalivedAdvert;
            v[4] = v[5] = 0;
            return bytes(fixSum(v));
        }() << 255 << int(Drop::BadInterval);
        QTest::newRow("priority changed, checksum not") << mutate(2, 151, false) << 255 << int(Drop::BadChecksum);
        // An IPv4-sized advert (4-byte address) read as IPv6: the count does not fit.
        QTest::newRow("IPv4 address in an IPv6 advert")
            << bytes(fixSum({0x31, 0x3d, 0x96, 0x01, 0x00, 0x0a, 0, 0, 192, 0, 2, 100})) << 255
            << int(Drop::BadAddressCount);
    }
    void malformedAdvertsAreDroppedWithTheirReason()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, hopLimit);
        QFETCH(int, drop);
        // An exact-size heap copy, so ASan catches a read past the end.
        std::vector<uint8_t> copy(payload.begin(), payload.end());
        Received6 got;
        QCOMPARE(int(decode6(copy.data(), copy.size(), kLinkLocal, kMulticastGroup6, hopLimit, got)), drop);
    }

    void manyAddressesRoundTrip()
    {
        Advert6 a = keepalivedAdvert();
        for (uint8_t i = 1; i < 20; ++i) {
            IPv6 extra = kVip;
            extra[15] = i;
            a.addresses.push_back(extra);
        }
        const auto bytes = encode6(a, kLinkLocal, kMulticastGroup6);
        QCOMPARE(bytes.size(), size_t(8 + 16 * 20));
        Received6 got;
        QCOMPARE(decode6(bytes.data(), bytes.size(), kLinkLocal, kMulticastGroup6, 255, got), Drop::None);
        QCOMPARE(got.advert.addresses, a.addresses);
    }

    void neighborAdvertIsWhatKeepalivedSends() { QCOMPARE(neighborAdvert(kVip, kMac), kKeepalivedNa); }

    void neighborAdvertChecksumsOverThePseudoHeader()
    {
        IPv6 other = kVip;
        other[15] = 0x01; // 2001:db8::101
        const auto na = neighborAdvert(other, {0x02, 0, 0, 0, 0, 0x12});
        QCOMPARE(na.size(), size_t(72));
        QCOMPARE(int(na[7]), 255); // hop limit
        QCOMPARE(int(na[40]), int(kNeighborAdvertisement));
        QCOMPARE(int(na[44]), 0x20); // Override, not Solicited, not Router
        // The receiver's check: the ICMPv6 sum over pseudo-header + message is zero.
        QCOMPARE(internetChecksum(na.data() + 40, 32, pseudoHeaderSum6(other, kAllNodes, 32, kIcmpv6)), uint16_t(0));
    }
};

QTEST_APPLESS_MAIN(TestVrrpCodec6)
#include "tst_vrrpcodec6.moc"
