/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <linux/netlink.h>

namespace lxcnet::detail {

/*
 * One rtnetlink request, built in place in a fixed buffer (on the caller's
 * stack). libnl's builders took two objects and a page-sized message per
 * request, more CPU than the rest of a bare move's user-space work; every
 * request lxcnet sends is a few hundred bytes at most.
 */
class Request final {
public:
	Request(uint16_t type, uint16_t flags) noexcept;
	Request(const Request &) = delete;
	Request &operator=(const Request &) = delete;

	/* The family's own header (ifinfomsg, ifaddrmsg, rtmsg): first, before any attribute. */
	template <class FamilyHeader>
	void put_header(const FamilyHeader &family_header) noexcept { append(&family_header, sizeof(family_header)); }

	void put(uint16_t type, const void *data, size_t size) noexcept;
	void put_u32(uint16_t type, uint32_t value) noexcept { put(type, &value, sizeof(value)); }
	/* With its NUL, as the kernel's NLA_NUL_STRING and NLA_STRING policies both accept. */
	void put_string(uint16_t type, const std::string &text) noexcept { put(type, text.c_str(), text.size() + 1); }
	/* A nest: its attributes go between these two calls. */
	size_t begin_nest(uint16_t type) noexcept;
	void end_nest(size_t nest) noexcept;

	/* False once an attribute did not fit: such a request must not be sent. */
	bool complete() const noexcept { return complete_; }
	nlmsghdr *header() noexcept { return reinterpret_cast<nlmsghdr *>(buffer_); }

private:
	void append(const void *data, size_t size) noexcept;

	/* Enough for the largest: a link change with a full ifalias (IFALIASZ 256) and a name. */
	static constexpr size_t capacity = 1024;
	alignas(nlmsghdr) unsigned char buffer_[capacity];
	bool complete_ = true;
};

/*
 * Requests that go to the kernel together (NetlinkSocket::ask_all). It
 * handles those of one send one after the other within that call and,
 * asked for no ACK, answers only those it refuses: a system call for a few
 * dozen instead of a round trip each.
 */
class Batch final {
public:
	/* A copy of request, which must be complete; false (nothing added) otherwise. May throw std::bad_alloc. */
	bool add(Request &request);
	size_t count() const noexcept { return count_; }

private:
	friend class NetlinkSocket;
	std::string bytes_;
	size_t count_ = 0;
};

} /* namespace lxcnet::detail */
