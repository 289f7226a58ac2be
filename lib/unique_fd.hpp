/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <utility>

#include <unistd.h>

namespace lxcnet::detail {

/* Owns one file descriptor; -1 is "none" because every C API around us says so. */
class UniqueFd final {
public:
	UniqueFd() noexcept = default;
	explicit UniqueFd(int fd) noexcept : fd_(fd) {}
	UniqueFd(UniqueFd &&o) noexcept : fd_(o.release()) {}
	UniqueFd &operator=(UniqueFd &&o) noexcept { reset(o.release()); return *this; }
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	[[nodiscard]] int get() const noexcept { return fd_; }
	[[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
	[[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }
	/* close(2) once: on Linux the fd is gone even when close reports EINTR, so retrying could close another thread's fd. */
	void reset(int fd = -1) noexcept
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

/* Zero-size deleter for C handles: unique_ptr<T, Deleter<free_fn>>. */
template <auto Fn>
struct Deleter {
	template <class T>
	void operator()(T *p) const noexcept { Fn(p); }
};

} /* namespace lxcnet::detail */
