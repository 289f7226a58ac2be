/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nl_request.hpp"

#include <cstring>

namespace lxcnet::detail {

Request::Request(uint16_t type, uint16_t flags) noexcept
{
	nlmsghdr *hdr = header();
	*hdr = {};
	hdr->nlmsg_type = type;
	hdr->nlmsg_flags = flags;
	hdr->nlmsg_len = NLMSG_HDRLEN;
}

void Request::append(const void *data, size_t size) noexcept
{
	nlmsghdr *hdr = header();
	const size_t at = hdr->nlmsg_len;
	const size_t total = NLMSG_ALIGN(size);
	if (!complete_ || total > capacity - at) {
		complete_ = false;
		return;
	}
	std::memcpy(buffer_ + at, data, size);
	std::memset(buffer_ + at + size, 0, total - size);
	hdr->nlmsg_len = static_cast<uint32_t>(at + total);
}

void Request::put(uint16_t type, const void *data, size_t size) noexcept
{
	nlmsghdr *hdr = header();
	const size_t at = hdr->nlmsg_len;
	const size_t total = NLA_ALIGN(NLA_HDRLEN + size);
	if (!complete_ || size > UINT16_MAX - NLA_HDRLEN || total > capacity - at) {
		complete_ = false;
		return;
	}
	auto *attr = reinterpret_cast<nlattr *>(buffer_ + at);
	attr->nla_type = type;
	attr->nla_len = static_cast<uint16_t>(NLA_HDRLEN + size);
	if (size)
		std::memcpy(buffer_ + at + NLA_HDRLEN, data, size);
	std::memset(buffer_ + at + NLA_HDRLEN + size, 0, total - NLA_HDRLEN - size);
	hdr->nlmsg_len = static_cast<uint32_t>(at + total);
}

size_t Request::begin_nest(uint16_t type) noexcept
{
	const size_t at = header()->nlmsg_len;
	put(type | NLA_F_NESTED, nullptr, 0);
	return at;
}

void Request::end_nest(size_t nest) noexcept
{
	if (!complete_)
		return;
	const size_t size = header()->nlmsg_len - nest;
	if (size > UINT16_MAX) {
		complete_ = false;
		return;
	}
	reinterpret_cast<nlattr *>(buffer_ + nest)->nla_len = static_cast<uint16_t>(size);
}

bool Batch::add(Request &request)
{
	if (!request.complete())
		return false;
	const nlmsghdr *hdr = request.header();
	bytes_.append(reinterpret_cast<const char *>(hdr), NLMSG_ALIGN(hdr->nlmsg_len));
	count_++;
	return true;
}

} /* namespace lxcnet::detail */
