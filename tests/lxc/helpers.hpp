/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <system_error>

#include <lxcnet/container.hpp>

#include "support.hpp"

namespace lxcnet::test {

/* Runs f, which must throw lxcnet::Error with `code`; the thread's netns must be unchanged either way. */
template <class F>
std::string expect_error(F &&f, std::error_condition code)
{
	const unsigned long netns = own_netns_inode();
	std::string what;
	try {
		f();
		FAIL("expected an lxcnet::Error");
	} catch (const lxcnet::Error &e) {
		what = e.what();
		INFO(what);
		CHECK(e.code() == code);
	}
	CHECK(own_netns_inode() == netns);
	return what;
}

/* Runs f, which must succeed and leave the thread's netns unchanged. */
template <class F>
void expect_ok(F &&f)
{
	const unsigned long netns = own_netns_inode();
	f();
	CHECK(own_netns_inode() == netns);
}

/* The built CLI, as meson passes it. */
inline std::string cli()
{
	return built_program("LXCNET_DEVICE");
}

inline std::string cli_for(const ScopedContainer &c)
{
	return cli() + " -n " + quote(c.name()) + " -P " + quote(c.lxcpath()) + " ";
}

/* Config lines that make the built CLI the container's stop hook. */
inline std::string stop_hook_config()
{
	return "lxc.hook.version = 1\nlxc.hook.stop = " + cli() + " hook";
}

/* A variable set for one scope; what it held before (or its absence) comes back after. */
class ScopedEnv {
public:
	ScopedEnv(const char *name, const char *value) : name_(name)
	{
		if (const char *old = std::getenv(name))
			old_ = old;
		::setenv(name, value, 1);
	}
	~ScopedEnv()
	{
		if (old_)
			::setenv(name_, old_->c_str(), 1);
		else
			::unsetenv(name_);
	}
	ScopedEnv(const ScopedEnv &) = delete;
	ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
	const char *name_;
	std::optional<std::string> old_;
};

} /* namespace lxcnet::test */
