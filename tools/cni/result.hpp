/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ip.hpp"

namespace lxcnet::cni {

/* The spec's ADD result (section 5), independent of the version it is read from or written in. */
struct Result {
	struct Interface {
		std::string name;
		std::string mac;
		unsigned mtu = 0;
		std::string sandbox;
		std::string socket_path;
		std::string pci_id;
	};
	struct Ip {
		Cidr address;
		std::optional<IpAddr> gateway;
		std::optional<int> interface;
	};
	struct Route {
		Cidr dst;
		std::optional<IpAddr> gw;
		unsigned mtu = 0;
		unsigned advmss = 0;
		unsigned priority = 0;
		std::optional<unsigned> table;
		std::optional<unsigned> scope;
	};

	std::vector<Interface> interfaces;
	std::vector<Ip> ips;
	std::vector<Route> routes;
	nlohmann::json dns = nlohmann::json::object();
};

/*
 * Reads a result of any supported version (0.3.x and 0.4.0 carry a "version"
 * per IP, 1.x does not). `what` names the source in errors ("prevResult",
 * "the result of IPAM plugin static"). Throws CniError, code 6.
 */
Result parse_result(const nlohmann::json &json, const std::string &what);

/* The result as the spec of `version` shapes it (fields newer than it are left out). */
nlohmann::ordered_json result_json(const Result &result, const std::string &version);

} /* namespace lxcnet::cni */
