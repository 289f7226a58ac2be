/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The callbacks libnl calls while reading an answer: they keep the kernel's
 * own errno and words, skip what answers an earlier request, and say when
 * the answer is complete. libnl's own NLE codes would lose all three.
 */
#include <cerrno>
#include <cstring>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "nl_state.hpp"

namespace lxcnet::detail {

namespace {

/* The NLMSGERR_ATTR_MSG text that follows an error when NETLINK_EXT_ACK is on: libnl 3.7 reads none of it. */
std::string extack_text(const nlmsgerr *err)
{
	auto *hdr = reinterpret_cast<nlmsghdr *>(const_cast<char *>(reinterpret_cast<const char *>(err)) - NLMSG_HDRLEN);
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return {};
	/* The attributes follow the error, and the request it quotes unless the kernel capped it to its header. */
	int error_size = sizeof(*err);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < NLMSG_HDRLEN || err->msg.nlmsg_len > hdr->nlmsg_len)
			return {};
		error_size += static_cast<int>(NLMSG_ALIGN(err->msg.nlmsg_len - NLMSG_HDRLEN));
	}
	nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	if (nlmsg_parse(hdr, error_size, tb, NLMSGERR_ATTR_MAX, nullptr) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return {};
	const char *text = static_cast<const char *>(nla_data(tb[NLMSGERR_ATTR_MSG]));
	return std::string(text, strnlen(text, nla_len(tb[NLMSGERR_ATTR_MSG])));
}

NetlinkSocket::State &state_of(void *arg)
{
	return *static_cast<NetlinkSocket::State *>(arg);
}

/* A late datagram of an earlier request is skipped, never taken for this answer. */
int on_seq_check(nl_msg *msg, void *arg)
{
	return state_of(arg).ours(nlmsg_hdr(msg)->nlmsg_seq) ? NL_OK : NL_SKIP;
}

void on_object(nl_object *object, void *arg)
{
	auto &st = state_of(arg);
	if (st.threw)
		return;
	try {
		(*st.each)(object);
	} catch (...) {
		st.threw = true; /* keep reading: the rest of the answer must not be left for the next request */
	}
}

int on_valid(nl_msg *msg, void *arg)
{
	auto &st = state_of(arg);
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	if (hdr->nlmsg_type == st.reply_type) {
		if (st.each && nl_msg_parse(msg, on_object, arg) < 0)
			st.threw = true;
		if (st.raw && !st.threw) {
			try {
				(*st.raw)(msg);
			} catch (...) {
				st.threw = true;
			}
		}
	}
	if (st.answer == NetlinkSocket::State::Answer::single) {
		st.done = true;
		return NL_STOP;
	}
	return NL_OK;
}

int on_finish(nl_msg *msg, void *arg)
{
	auto &st = state_of(arg);
	/* A dump that failed part-way ends with its errno in NLMSG_DONE; libnl 3.7 does not look. */
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	int error = 0;
	if (hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(error)))
		std::memcpy(&error, nlmsg_data(hdr), sizeof(error));
	if (error < 0 && !st.refusal)
		st.refusal = error;
	st.done = true;
	return NL_STOP;
}

int on_ack(nl_msg *msg, void *arg)
{
	auto &st = state_of(arg);
	if (nlmsg_hdr(msg)->nlmsg_seq != st.last)
		return NL_OK;
	st.done = true;
	return NL_STOP;
}

int on_dump_interrupted(nl_msg *, void *arg)
{
	state_of(arg).interrupted = true;
	return NL_OK;
}

int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	auto &st = state_of(arg);
	auto *hdr = reinterpret_cast<const nlmsghdr *>(reinterpret_cast<const char *>(err) - NLMSG_HDRLEN);
	const bool batch = st.answer == NetlinkSocket::State::Answer::batch;
	const size_t index = hdr->nlmsg_seq - st.base;
	bool accepted = false;
	try {
		accepted = st.accept && (*st.accept)(index, err->error);
	} catch (...) {
	}
	/* In a batch the first refusal is the cause; a link change's retry (RTM_SETLINK) reports its own. */
	if (!accepted && (!batch || !st.refusal)) {
		st.refusal = err->error;
		st.refused_at = index;
		try {
			st.message = extack_text(err);
		} catch (...) {
			st.message.clear();
		}
	}
	if (batch && hdr->nlmsg_seq != st.last)
		return NL_SKIP;
	st.done = true;
	return NL_STOP;
}

} /* namespace */

/* The errno for a failure of libnl's own (a refusal of the kernel's keeps the kernel's errno instead). */
int errno_of(int nl_error) noexcept
{
	switch (nl_error < 0 ? -nl_error : nl_error) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_AGAIN:
	case NLE_DUMP_INTR:
		return EAGAIN;
	case NLE_MSG_TRUNC:
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_RANGE:
		return ERANGE;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
		return EINVAL;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_BAD_SOCK:
		return EBADF;
	default:
		return EIO;
	}
}

/* Whatever an abandoned answer left queued: read and dropped, so it is never taken for the next one. */
void drain(int fd) noexcept
{
	char scrap[64];
	for (;;) {
		ssize_t n = ::recv(fd, scrap, sizeof(scrap), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno != EINTR && errno != ENOBUFS)
			return;
	}
}

void install_callbacks(nl_sock *sk, NetlinkSocket::State *st) noexcept
{
	nl_socket_modify_cb(sk, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, st);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, st);
	nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, st);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_ack, st);
	nl_socket_modify_cb(sk, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_interrupted, st);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, st);
}

} /* namespace lxcnet::detail */
