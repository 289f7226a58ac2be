/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/lxcnet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include <lxc/lxccontainer.h>

#include <lxcnet/container.hpp>

/* Existing callers assign these to lxc_container's own pointers: the types must stay exactly lxc's. */
static_assert(std::is_same_v<decltype(&lxcnet_attach_interface), decltype(lxc_container::attach_interface)>);
static_assert(std::is_same_v<decltype(&lxcnet_detach_interface), decltype(lxc_container::detach_interface)>);
static_assert(std::is_same_v<decltype(&lxcnet_get_interfaces), decltype(lxc_container::get_interfaces)>);

namespace {

thread_local int last_errno;
thread_local char last_message[1024]; /* fixed: recording an error must not allocate or throw */

void record(int errnum, const char *message) noexcept
{
	last_errno = errnum;
	std::strncpy(last_message, message, sizeof(last_message) - 1);
	last_message[sizeof(last_message) - 1] = '\0';
}

/* Runs f; every exception becomes this thread's last error, so none crosses into C. */
template <class F>
bool guarded(F &&f) noexcept
{
	try {
		f();
		last_errno = 0;
		last_message[0] = '\0';
		return true;
	} catch (const lxcnet::Error &e) {
		record(e.code().value(), e.what());
	} catch (const std::bad_alloc &) {
		record(ENOMEM, "out of memory");
	} catch (const std::exception &e) {
		record(EIO, e.what());
	} catch (...) {
		record(EIO, "internal error");
	}
	return false;
}

lxcnet::Options options_from(unsigned flags)
{
	lxcnet::Options options;
	options.preserve = !(flags & LXCNET_NO_PRESERVE);
	return options;
}

void require(const void *p, const char *what)
{
	if (!p)
		throw lxcnet::Error(EINVAL, "", "", std::string(what) + " is NULL");
}

/* NULL keeps the name, as in liblxc; "" is a bad name, not a synonym for NULL. */
std::string destination(const char *dst_dev, const char *dev)
{
	if (dst_dev && !*dst_dev)
		throw lxcnet::Error(EINVAL, dev, "", std::string("destination name for ") + dev + " is empty");
	return dst_dev ? dst_dev : "";
}

} /* namespace */

extern "C" {

bool lxcnet_attach_interface_opts(struct lxc_container *c, const char *dev, const char *dst_dev, unsigned flags)
{
	return guarded([&] {
		require(c, "container");
		require(dev, "device name");
		lxcnet::Container(c).attach_interface(dev, destination(dst_dev, dev), options_from(flags));
	});
}

bool lxcnet_detach_interface_opts(struct lxc_container *c, const char *dev, const char *dst_dev, unsigned flags)
{
	return guarded([&] {
		require(c, "container");
		require(dev, "device name");
		lxcnet::Container(c).detach_interface(dev, destination(dst_dev, dev), options_from(flags));
	});
}

bool lxcnet_attach_interface(struct lxc_container *c, const char *dev, const char *dst_dev)
{
	return lxcnet_attach_interface_opts(c, dev, dst_dev, LXCNET_PRESERVE);
}

bool lxcnet_detach_interface(struct lxc_container *c, const char *dev, const char *dst_dev)
{
	return lxcnet_detach_interface_opts(c, dev, dst_dev, LXCNET_PRESERVE);
}

int lxcnet_detach_all(struct lxc_container *c)
{
	int count = -1;
	guarded([&] {
		require(c, "container");
		count = static_cast<int>(lxcnet::Container(c).detach_all().size());
	});
	return last_errno ? -1 : count;
}

char **lxcnet_get_interfaces(struct lxc_container *c)
{
	char **out = nullptr;
	bool ok = guarded([&] {
		require(c, "container");
		auto names = lxcnet::Container(c).interfaces();
		/* malloc'd like lxc's own get_interfaces, so callers free it the same way. */
		out = static_cast<char **>(std::calloc(names.size() + 1, sizeof(char *)));
		if (!out)
			throw std::bad_alloc();
		for (size_t i = 0; i < names.size(); i++)
			if (!(out[i] = strdup(names[i].c_str())))
				throw std::bad_alloc();
	});
	if (!ok && out) {
		for (char **p = out; *p; p++)
			std::free(*p);
		std::free(out);
		out = nullptr;
	}
	return out;
}

int lxcnet_recover(void)
{
	int count = 0;
	bool ok = guarded([&] {
		int failed = 0;
		const lxcnet::RecordStatus *first = nullptr;
		const auto statuses = lxcnet::recover();
		for (const auto &status : statuses) {
			if (status.action() == lxcnet::RecoveryAction::returned || status.action() == lxcnet::RecoveryAction::restored)
				count++;
			if (status.action() == lxcnet::RecoveryAction::failed && !failed++)
				first = &status;
		}
		if (first)
			throw lxcnet::Error(first->error(), first->inside_name(), first->container(),
					    "recover: " + std::to_string(failed) + " of " + std::to_string(statuses.size()) +
						    " records could not be recovered (they are kept); the first: " + first->container() + ": " +
						    first->inside_name() + ": " + first->message());
	});
	return ok ? count : -1;
}

void lxcnet_install(struct lxc_container *c)
{
	if (!c)
		return;
	c->attach_interface = lxcnet_attach_interface;
	c->detach_interface = lxcnet_detach_interface;
}

int lxcnet_errno(void)
{
	return last_errno;
}

const char *lxcnet_strerror(void)
{
	return last_message;
}

} /* extern "C" */
