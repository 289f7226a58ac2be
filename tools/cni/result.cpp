/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "result.hpp"

#include "error.hpp"
#include "version.hpp"

namespace lxcnet::cni {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string &what, const std::string &problem)
{
	throw CniError(decoding_failure, "failed to decode " + what + ": " + problem);
}

std::string string_of(const json &object, const char *key, const std::string &what, bool required = false)
{
	auto it = object.find(key);
	if (it == object.end() || it->is_null()) {
		if (required)
			bad(what, std::string("\"") + key + "\" is missing");
		return {};
	}
	if (!it->is_string())
		bad(what, std::string("\"") + key + "\" is not a string");
	return it->get<std::string>();
}

std::optional<unsigned> number_of(const json &object, const char *key, const std::string &what)
{
	auto it = object.find(key);
	if (it == object.end() || it->is_null())
		return std::nullopt;
	if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 0xffffffffLL)
		bad(what, std::string("\"") + key + "\" is not a non-negative integer");
	return it->get<unsigned>();
}

const json &array_of(const json &object, const char *key, const std::string &what)
{
	static const json empty = json::array();
	auto it = object.find(key);
	if (it == object.end() || it->is_null())
		return empty;
	if (!it->is_array())
		bad(what, std::string("\"") + key + "\" is not an array");
	return *it;
}

std::optional<IpAddr> optional_ip(const json &object, const char *key, const std::string &what)
{
	std::string text = string_of(object, key, what);
	if (text.empty())
		return std::nullopt;
	auto ip = parse_ip(text);
	if (!ip)
		bad(what, std::string("\"") + key + "\": \"" + text + "\" is not an IP address");
	return ip;
}

Cidr cidr_of(const json &object, const char *key, const std::string &what)
{
	std::string text = string_of(object, key, what, true);
	auto cidr = parse_cidr(text);
	if (!cidr)
		bad(what, std::string("\"") + key + "\": \"" + text + "\" is not an address with a prefix length");
	return *cidr;
}

} /* namespace */

Result parse_result(const json &in, const std::string &what)
{
	if (!in.is_object())
		bad(what, "not a JSON object");
	Result r;
	for (const auto &i : array_of(in, "interfaces", what)) {
		if (!i.is_object())
			bad(what, "an interface is not an object");
		Result::Interface iface;
		iface.name = string_of(i, "name", what);
		iface.mac = string_of(i, "mac", what);
		iface.mtu = number_of(i, "mtu", what).value_or(0);
		iface.sandbox = string_of(i, "sandbox", what);
		iface.socket_path = string_of(i, "socketPath", what);
		iface.pci_id = string_of(i, "pciID", what);
		r.interfaces.push_back(std::move(iface));
	}
	for (const auto &i : array_of(in, "ips", what)) {
		if (!i.is_object())
			bad(what, "an IP is not an object");
		Result::Ip ip;
		ip.address = cidr_of(i, "address", what);
		ip.gateway = optional_ip(i, "gateway", what);
		if (auto index = number_of(i, "interface", what))
			ip.interface = static_cast<int>(*index);
		r.ips.push_back(ip);
	}
	for (const auto &i : array_of(in, "routes", what)) {
		if (!i.is_object())
			bad(what, "a route is not an object");
		Result::Route route;
		route.dst = cidr_of(i, "dst", what);
		route.gw = optional_ip(i, "gw", what);
		route.mtu = number_of(i, "mtu", what).value_or(0);
		route.advmss = number_of(i, "advmss", what).value_or(0);
		route.priority = number_of(i, "priority", what).value_or(0);
		route.table = number_of(i, "table", what);
		route.scope = number_of(i, "scope", what);
		r.routes.push_back(route);
	}
	if (auto it = in.find("dns"); it != in.end() && !it->is_null()) {
		if (!it->is_object())
			bad(what, "\"dns\" is not an object");
		r.dns = *it;
	}
	return r;
}

nlohmann::ordered_json result_json(const Result &r, const std::string &version)
{
	const bool per_ip_version = !at_least(version, "1.0.0");
	const bool v11 = at_least(version, "1.1.0");
	nlohmann::ordered_json out;
	out["cniVersion"] = version;
	if (!r.interfaces.empty()) {
		auto &list = out["interfaces"] = nlohmann::ordered_json::array();
		for (const auto &i : r.interfaces) {
			nlohmann::ordered_json j;
			j["name"] = i.name;
			if (!i.mac.empty())
				j["mac"] = i.mac;
			if (v11 && i.mtu)
				j["mtu"] = i.mtu;
			if (!i.sandbox.empty())
				j["sandbox"] = i.sandbox;
			if (v11 && !i.socket_path.empty())
				j["socketPath"] = i.socket_path;
			if (v11 && !i.pci_id.empty())
				j["pciID"] = i.pci_id;
			list.push_back(std::move(j));
		}
	}
	if (!r.ips.empty()) {
		auto &list = out["ips"] = nlohmann::ordered_json::array();
		for (const auto &ip : r.ips) {
			nlohmann::ordered_json j;
			if (per_ip_version)
				j["version"] = ip.address.ip.family == AF_INET ? "4" : "6";
			if (ip.interface)
				j["interface"] = *ip.interface;
			j["address"] = ip.address.str();
			if (ip.gateway)
				j["gateway"] = ip.gateway->str();
			list.push_back(std::move(j));
		}
	}
	if (!r.routes.empty()) {
		auto &list = out["routes"] = nlohmann::ordered_json::array();
		for (const auto &route : r.routes) {
			nlohmann::ordered_json j;
			j["dst"] = route.dst.str();
			if (route.gw)
				j["gw"] = route.gw->str();
			if (v11) {
				if (route.mtu)
					j["mtu"] = route.mtu;
				if (route.advmss)
					j["advmss"] = route.advmss;
				if (route.priority)
					j["priority"] = route.priority;
				if (route.table)
					j["table"] = *route.table;
				if (route.scope)
					j["scope"] = *route.scope;
			}
			list.push_back(std::move(j));
		}
	}
	out["dns"] = nlohmann::ordered_json::parse(r.dns.dump());
	return out;
}

} /* namespace lxcnet::cni */
