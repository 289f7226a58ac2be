/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_state.hpp"

namespace lxcnet::detail {

std::string relabel(const std::string &label, const std::string &old_name, const std::string &new_name)
{
	if (label.empty() || label == old_name)
		return {};
	if (label.size() > old_name.size() && label.compare(0, old_name.size(), old_name) == 0 && label[old_name.size()] == ':') {
		std::string renamed = new_name + label.substr(old_name.size());
		/* IFNAMSIZ bounds labels too: a longer one falls back to the plain name rather than failing the move. */
		return renamed.size() <= 15 ? renamed : std::string{};
	}
	return label;
}

} /* namespace lxcnet::detail */
