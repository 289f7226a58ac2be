/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/lxcnet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include <lxc/lxccontainer.h>

#include <lxcnet/container.hpp>
#include <lxcnet/network_namespace.hpp>
#include <lxcnet/version.h>

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

/*
 * Runs f; every exception becomes this thread's last error, so none crosses
 * into C. errno gets it too, as C callers of liblxc are used to; a success
 * leaves errno alone, since C code never reads errno after a success.
 */
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
	errno = last_errno;
	return false;
}

/* A count, or -1 with the last error (and errno) set. */
template <class F>
int counted(F &&f) noexcept
{
	size_t count = 0;
	if (!guarded([&] { count = f(); }))
		return -1;
	return static_cast<int>(count);
}

constexpr unsigned known_flags = LXCNET_NO_PRESERVE;

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

/* A host name is at most 15 bytes: a buffer that cannot hold one is refused before anything moves. */
void check_name_buffer(const char *buffer, size_t size)
{
	require(buffer, "host name buffer");
	if (size < 16)
		throw lxcnet::Error(EINVAL, "", "", "the host name buffer holds " + std::to_string(size) + " bytes; a name needs up to 16");
}

void copy_name(const std::string &name, char *buffer)
{
	std::memcpy(buffer, name.c_str(), name.size() + 1); /* a name lxcnet gave or kept fits IFNAMSIZ */
}

/* NULL keeps the name, as in liblxc; "" is a bad name, not a synonym for NULL. */
std::string destination(const char *dst_dev, const char *dev)
{
	if (dst_dev && !*dst_dev)
		throw lxcnet::Error(EINVAL, dev, "", std::string("destination name for ") + dev + " is empty");
	return dst_dev ? dst_dev : "";
}

/* NULL-terminated and malloc'd like lxc's own get_interfaces, so callers free it the same way. */
char **c_array(const std::vector<std::string> &names)
{
	char **out = static_cast<char **>(std::calloc(names.size() + 1, sizeof(char *)));
	if (!out)
		throw std::bad_alloc();
	for (size_t i = 0; i < names.size(); i++) {
		if (!(out[i] = strdup(names[i].c_str()))) {
			for (size_t k = 0; k < i; k++)
				std::free(out[k]);
			std::free(out);
			throw std::bad_alloc();
		}
	}
	return out;
}

} /* namespace */

/* The C handle is the C++ options: what C++ callers can set, C callers can. */
struct lxcnet_options {
	lxcnet::Options options;
};

namespace {

lxcnet::Options options_of(const lxcnet_options *o)
{
	return o ? o->options : lxcnet::Options{};
}

lxcnet::NetworkNamespace netns_of(const char *path, const char *id)
{
	require(path, "namespace path");
	require(id, "id");
	return lxcnet::NetworkNamespace(path, id);
}

} /* namespace */

extern "C" {

bool lxcnet_attach_interface_opts(struct lxc_container *c, const char *dev, const char *dst_dev, unsigned flags)
{
	lxcnet_options o{options_from(flags)};
	return lxcnet_attach_interface_ex(c, dev, dst_dev, &o);
}

bool lxcnet_detach_interface_opts(struct lxc_container *c, const char *dev, const char *dst_dev, unsigned flags)
{
	lxcnet_options o{options_from(flags)};
	return lxcnet_detach_interface_ex(c, dev, dst_dev, &o);
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
	return lxcnet_detach_all_ex(c, nullptr);
}

char **lxcnet_get_interfaces(struct lxc_container *c)
{
	char **out = nullptr;
	guarded([&] {
		require(c, "container");
		out = c_array(lxcnet::Container(c).interfaces());
	});
	return out;
}

int lxcnet_recover(void)
{
	int count = 0;
	bool ok = guarded([&] {
		int failed = 0;
		const lxcnet::DeviceReport *first = nullptr;
		const auto statuses = lxcnet::recover();
		for (const auto &status : statuses) {
			if (status.action() == lxcnet::Action::returned || status.action() == lxcnet::Action::restored)
				count++;
			if (status.action() == lxcnet::Action::failed && !failed++)
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

struct lxcnet_options *lxcnet_options_new(void)
{
	lxcnet_options *o = nullptr;
	guarded([&] { o = new lxcnet_options(); });
	return o;
}

struct lxcnet_options *lxcnet_options_unref(struct lxcnet_options *o)
{
	delete o;
	return nullptr;
}

bool lxcnet_options_set_flags(struct lxcnet_options *o, unsigned flags)
{
	return guarded([&] {
		require(o, "options");
		if (flags & ~known_flags)
			throw lxcnet::Error(EINVAL, "", "", "unknown flags " + std::to_string(flags & ~known_flags));
		o->options.preserve = options_from(flags).preserve;
	});
}

bool lxcnet_options_set_state_dir(struct lxcnet_options *o, const char *dir)
{
	return guarded([&] {
		require(o, "options");
		o->options.state_dir = dir ? dir : "";
	});
}

bool lxcnet_attach_interface_ex(struct lxc_container *c, const char *dev, const char *dst_dev, const struct lxcnet_options *o)
{
	return guarded([&] {
		require(c, "container");
		require(dev, "device name");
		lxcnet::Container(c).attach_interface(dev, destination(dst_dev, dev), options_of(o));
	});
}

bool lxcnet_detach_interface_ex(struct lxc_container *c, const char *dev, const char *dst_dev, const struct lxcnet_options *o)
{
	return guarded([&] {
		require(c, "container");
		require(dev, "device name");
		lxcnet::Container(c).detach_interface(dev, destination(dst_dev, dev), options_of(o));
	});
}

int lxcnet_detach_all_ex(struct lxc_container *c, const struct lxcnet_options *o)
{
	return counted([&] {
		require(c, "container");
		return lxcnet::Container(c).detach_all(options_of(o)).size();
	});
}

int lxcnet_detach_all_from(struct lxc_container *c, const char *netns_path, const struct lxcnet_options *o)
{
	return counted([&] {
		require(c, "container");
		require(netns_path, "namespace path");
		return lxcnet::Container(c).detach_all_from(netns_path, options_of(o)).size();
	});
}

bool lxcnet_netns_attach_interface(const char *netns_path, const char *id, const char *dev, const char *dst_dev,
				   const struct lxcnet_options *o)
{
	return guarded([&] {
		require(dev, "device name");
		netns_of(netns_path, id).attach_interface(dev, destination(dst_dev, dev), options_of(o));
	});
}

bool lxcnet_netns_detach_interface(const char *netns_path, const char *id, const char *dev, const char *dst_dev,
				   const struct lxcnet_options *o)
{
	return guarded([&] {
		require(dev, "device name");
		netns_of(netns_path, id).detach_interface(dev, destination(dst_dev, dev), options_of(o));
	});
}

bool lxcnet_detach_interface_to(struct lxc_container *c, const char *dev, const char *dst_dev, const struct lxcnet_options *o,
				char *host_name, size_t host_name_size)
{
	return guarded([&] {
		require(c, "container");
		require(dev, "device name");
		check_name_buffer(host_name, host_name_size);
		copy_name(lxcnet::Container(c).detach(dev, destination(dst_dev, dev), options_of(o)).host_name(), host_name);
	});
}

bool lxcnet_netns_detach_interface_to(const char *netns_path, const char *id, const char *dev, const char *dst_dev,
				      const struct lxcnet_options *o, char *host_name, size_t host_name_size)
{
	return guarded([&] {
		require(dev, "device name");
		check_name_buffer(host_name, host_name_size);
		copy_name(netns_of(netns_path, id).detach(dev, destination(dst_dev, dev), options_of(o)).host_name(), host_name);
	});
}

int lxcnet_netns_detach_all(const char *netns_path, const char *id, const struct lxcnet_options *o)
{
	return counted([&] { return netns_of(netns_path, id).detach_all(options_of(o)).size(); });
}

char **lxcnet_netns_get_interfaces(const char *netns_path)
{
	char **out = nullptr;
	/* Listing reads no records, so the id is only there to satisfy the constructor. */
	guarded([&] { out = c_array(netns_of(netns_path, "list").interfaces()); });
	return out;
}

int lxcnet_netns_forget(const char *id, const struct lxcnet_options *o)
{
	return counted([&] {
		require(id, "id");
		return lxcnet::NetworkNamespace::forget(id, options_of(o)).size();
	});
}

const char *lxcnet_version(void)
{
	return LXCNET_VERSION;
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
