/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lean_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fcntl.h>
#include <linux/if.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

namespace lxb::lean {

namespace {

/* IFA_F_* a caller may set; the rest is state the kernel keeps. */
constexpr uint32_t settable_address_flags =
	IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

/* One request under construction at the end of out: a header, its family struct, then attributes. */
class Builder {
public:
	Builder(std::string &out, unsigned short type, const void *body, size_t body_len) : out_(out), start_(out.size())
	{
		nlmsghdr hdr{};
		hdr.nlmsg_type = type;
		hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
		out_.append(reinterpret_cast<const char *>(&hdr), sizeof(hdr));
		out_.append(static_cast<const char *>(body), body_len);
		pad();
	}
	void attr(unsigned short type, const void *data, size_t len)
	{
		rtattr rta{static_cast<unsigned short>(RTA_LENGTH(len)), type};
		out_.append(reinterpret_cast<const char *>(&rta), sizeof(rta));
		out_.append(static_cast<const char *>(data), len);
		pad();
	}
	void copy(const rtattr *rta) { attr(rta->rta_type, RTA_DATA(rta), RTA_PAYLOAD(rta)); }
	~Builder()
	{
		const auto len = static_cast<uint32_t>(out_.size() - start_);
		std::memcpy(out_.data() + start_ + offsetof(nlmsghdr, nlmsg_len), &len, sizeof(len));
	}

private:
	void pad() { out_.resize(NLMSG_ALIGN(out_.size())); }
	std::string &out_;
	size_t start_;
};

void carry_address(const nlmsghdr *h, int ifindex, std::string &out)
{
	const auto *ifa = static_cast<const ifaddrmsg *>(NLMSG_DATA(h));
	if (h->nlmsg_type != RTM_NEWADDR || static_cast<int>(ifa->ifa_index) != ifindex)
		return;
	uint32_t flags = ifa->ifa_flags;
	int left = static_cast<int>(IFA_PAYLOAD(h));
	for (auto *rta = IFA_RTA(ifa); RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) >= 4)
			std::memcpy(&flags, RTA_DATA(rta), 4);
	/* The kernel makes these again by itself once the link is up. */
	if (ifa->ifa_family == AF_INET6 && (ifa->ifa_scope == RT_SCOPE_LINK || !(flags & IFA_F_PERMANENT)))
		return;
	ifaddrmsg body = *ifa;
	body.ifa_flags = static_cast<unsigned char>(flags & settable_address_flags);
	Builder b(out, RTM_NEWADDR, &body, sizeof(body));
	left = static_cast<int>(IFA_PAYLOAD(h));
	for (auto *rta = IFA_RTA(ifa); RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		if (rta->rta_type == IFA_ADDRESS || rta->rta_type == IFA_LOCAL || rta->rta_type == IFA_BROADCAST)
			b.copy(rta);
	const uint32_t settable = flags & settable_address_flags;
	b.attr(IFA_FLAGS, &settable, sizeof(settable));
}

void carry_route(const nlmsghdr *h, std::string &out)
{
	const auto *rtm = static_cast<const rtmsg *>(NLMSG_DATA(h));
	if (h->nlmsg_type != RTM_NEWROUTE || rtm->rtm_type != RTN_UNICAST || (rtm->rtm_flags & RTM_F_CLONED) ||
	    rtm->rtm_protocol == RTPROT_KERNEL || rtm->rtm_protocol == RTPROT_RA || rtm->rtm_protocol == RTPROT_REDIRECT)
		return;
	uint32_t table = rtm->rtm_table;
	int left = static_cast<int>(RTM_PAYLOAD(h));
	for (auto *rta = RTM_RTA(rtm); RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		if (rta->rta_type == RTA_TABLE && RTA_PAYLOAD(rta) >= 4)
			std::memcpy(&table, RTA_DATA(rta), 4);
	if (table == RT_TABLE_LOCAL)
		return;
	rtmsg body = *rtm;
	body.rtm_flags = 0;
	Builder b(out, RTM_NEWROUTE, &body, sizeof(body));
	const uint32_t placeholder = 0;
	b.attr(RTA_OIF, &placeholder, sizeof(placeholder)); /* first, so replay() finds it at a fixed offset */
	left = static_cast<int>(RTM_PAYLOAD(h));
	for (auto *rta = RTM_RTA(rtm); RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		switch (rta->rta_type) {
		case RTA_DST: case RTA_GATEWAY: case RTA_PRIORITY: case RTA_PREFSRC:
		case RTA_TABLE: case RTA_METRICS: case RTA_VIA: case RTA_PREF:
			b.copy(rta);
		}
}

/* Every request of batch in one send, its ifindex patched in first; an address or route already there counts as put back. */
template <class Patch>
int send_all(RtnlSocket &sock, const std::string &batch, Patch patch)
{
	if (batch.empty())
		return 0;
	std::string copy = batch;
	int left = static_cast<int>(copy.size());
	for (auto *h = reinterpret_cast<nlmsghdr *>(copy.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
		patch(h);
	int r = sock.ask_all(copy);
	return r == -EEXIST ? 0 : r;
}

struct Header {
	uint32_t magic;
	int32_t host_ifindex;
	uint64_t netns;
	uint32_t up, mac_len, addresses_len, routes_len;
	char host_name[16];
	unsigned char mac[32];
};
constexpr uint32_t record_magic = 0x6c786e31; /* "lxn1" */

} /* namespace */

int capture(RtnlSocket &sock, int ifindex, Carried &out)
{
	struct {
		nlmsghdr hdr;
		ifaddrmsg ifa;
	} addresses{{NLMSG_LENGTH(sizeof(ifaddrmsg)), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 0, 0}, {}};
	addresses.ifa.ifa_index = static_cast<unsigned>(ifindex);
	int r = sock.dump(&addresses.hdr, [&](const nlmsghdr *h) { carry_address(h, ifindex, out.addresses); });
	if (r < 0)
		return r;
	struct {
		nlmsghdr hdr;
		rtmsg rtm;
		rtattr oif;
		uint32_t index;
	} routes{{sizeof(routes), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 0, 0}, {}, {RTA_LENGTH(4), RTA_OIF},
		 static_cast<uint32_t>(ifindex)};
	return sock.dump(&routes.hdr, [&](const nlmsghdr *h) { carry_route(h, out.routes); });
}

int replay(RtnlSocket &sock, const Carried &config, int ifindex, bool up)
{
	/* One send: addresses, the link up, routes, in that order (routes need both). */
	std::string batch = config.addresses;
	if (up) {
		struct {
			nlmsghdr hdr;
			ifinfomsg ifi;
		} set_up{{sizeof(set_up), RTM_SETLINK, NLM_F_REQUEST, 0, 0}, {}};
		set_up.ifi.ifi_flags = IFF_UP;
		set_up.ifi.ifi_change = IFF_UP;
		batch.append(reinterpret_cast<const char *>(&set_up), sizeof(set_up));
	}
	batch += config.routes;
	return send_all(sock, batch, [&](nlmsghdr *h) {
		const auto index = static_cast<uint32_t>(ifindex);
		if (h->nlmsg_type == RTM_NEWADDR) {
			static_cast<ifaddrmsg *>(NLMSG_DATA(h))->ifa_index = index;
		} else if (h->nlmsg_type == RTM_SETLINK) {
			static_cast<ifinfomsg *>(NLMSG_DATA(h))->ifi_index = ifindex;
		} else {
			auto *oif = reinterpret_cast<rtattr *>(static_cast<char *>(NLMSG_DATA(h)) + NLMSG_ALIGN(sizeof(rtmsg)));
			std::memcpy(RTA_DATA(oif), &index, sizeof(index));
		}
	});
}

int save(int dir, const std::string &name, const Record &record)
{
	Header h{};
	h.magic = record_magic;
	h.host_ifindex = record.host_ifindex;
	h.netns = record.netns;
	h.up = record.up;
	h.mac_len = static_cast<uint32_t>(std::min(record.mac.size(), sizeof(h.mac)));
	std::memcpy(h.mac, record.mac.data(), h.mac_len);
	h.addresses_len = static_cast<uint32_t>(record.config.addresses.size());
	h.routes_len = static_cast<uint32_t>(record.config.routes.size());
	std::strncpy(h.host_name, record.host_name.c_str(), sizeof(h.host_name) - 1);
	std::string text(reinterpret_cast<const char *>(&h), sizeof(h));
	text += record.config.addresses;
	text += record.config.routes;

	const std::string temp = "." + name;
	int fd = ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	Fd file(fd);
	if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
		return errno ? -errno : -EIO;
	file.reset();
	return ::renameat(dir, temp.c_str(), dir, name.c_str()) < 0 ? -errno : 0;
}

int load(int dir, const std::string &name, Record &record)
{
	int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	Fd file(fd);
	char buf[16384];
	const ssize_t n = ::read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	Header h;
	if (static_cast<size_t>(n) < sizeof(h))
		return -EBADMSG;
	std::memcpy(&h, buf, sizeof(h));
	if (h.magic != record_magic || h.mac_len > sizeof(h.mac) ||
	    sizeof(h) + size_t{h.addresses_len} + h.routes_len != static_cast<size_t>(n) || h.host_name[15])
		return -EBADMSG;
	record.host_name = h.host_name;
	record.host_ifindex = h.host_ifindex;
	record.netns = h.netns;
	record.up = h.up;
	record.mac.assign(reinterpret_cast<const char *>(h.mac), h.mac_len);
	record.config.addresses.assign(buf + sizeof(h), h.addresses_len);
	record.config.routes.assign(buf + sizeof(h) + h.addresses_len, h.routes_len);
	return 0;
}

} /* namespace lxb::lean */
