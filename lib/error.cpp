/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/error.hpp>

#include "printable.hpp"

namespace lxcnet {

Error::Error(int errnum, std::string device, std::string container, const std::string &cause)
	: std::system_error(errnum, std::generic_category(), detail::printable(cause)), device_(std::move(device)),
	  container_(std::move(container))
{
}

} /* namespace lxcnet */
