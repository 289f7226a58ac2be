/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netconf.hpp"

#include "env.hpp"
#include "error.hpp"
#include "version.hpp"

namespace lxcnet::cni {

namespace {

using nlohmann::json;

std::string string_key(const json &object, const char *key, const std::string &where = {})
{
	auto it = object.find(key);
	if (it == object.end() || it->is_null())
		return {};
	if (!it->is_string())
		throw CniError(invalid_config, "failed to load netconf: \"" + where + key + "\" must be a string", it->dump());
	return it->get<std::string>();
}

} /* namespace */

std::string error_version(const std::string &stdin_data)
{
	json in = json::parse(stdin_data, nullptr, false);
	if (in.is_object())
		if (auto it = in.find("cniVersion"); it != in.end() && it->is_string() && is_supported(it->get<std::string>()))
			return it->get<std::string>();
	return supported_versions.back();
}

NetConf parse_netconf(const std::string &stdin_data, const std::string &command)
{
	NetConf conf;
	conf.raw = stdin_data;
	json in = json::parse(stdin_data, nullptr, false);
	if (in.is_discarded())
		throw CniError(decoding_failure, "error unmarshalling network config: not valid JSON");
	if (!in.is_object())
		throw CniError(decoding_failure, "error unmarshalling network config: not a JSON object");

	/* As libcni: a config without cniVersion is a 0.1.0 config. */
	conf.cni_version = string_key(in, "cniVersion");
	if (conf.cni_version.empty())
		conf.cni_version = "0.1.0";
	if (!parse_version(conf.cni_version))
		throw CniError(decoding_failure, "invalid cniVersion \"" + conf.cni_version + "\"");

	conf.name = string_key(in, "name");
	if (conf.name.empty())
		throw CniError(invalid_config, "missing network name");
	if (!is_cni_name(conf.name))
		throw CniError(invalid_config, "invalid characters found in network name", conf.name);

	if (!is_supported(conf.cni_version))
		throw CniError(incompatible_version, "incompatible CNI versions",
			       "config is \"" + conf.cni_version + "\", plugin supports " + supported_list());
	/* As libcni's skel: these commands exist only from a spec version on. */
	if (command == "CHECK" && !at_least(conf.cni_version, "0.4.0"))
		throw CniError(incompatible_version, "config version does not allow CHECK", "config is \"" + conf.cni_version + "\"");
	if ((command == "GC" || command == "STATUS") && !at_least(conf.cni_version, "1.1.0"))
		throw CniError(incompatible_version, "config version does not allow " + command, "config is \"" + conf.cni_version + "\"");

	conf.type = string_key(in, "type");
	conf.device = string_key(in, "device");
	conf.hwaddr = string_key(in, "hwaddr");
	conf.kernelpath = string_key(in, "kernelpath");
	conf.pci_bus_id = string_key(in, "pciBusID");
	if (auto rc = in.find("runtimeConfig"); rc != in.end() && !rc->is_null()) {
		if (!rc->is_object())
			throw CniError(invalid_config, "failed to load netconf: \"runtimeConfig\" must be an object");
		conf.device_id = string_key(*rc, "deviceID", "runtimeConfig.");
	}
	if (auto p = in.find("preserve"); p != in.end() && !p->is_null()) {
		if (!p->is_boolean())
			throw CniError(invalid_config, "failed to load netconf: \"preserve\" must be true or false", p->dump());
		conf.preserve = p->get<bool>();
	}
	if (auto ipam = in.find("ipam"); ipam != in.end() && !ipam->is_null()) {
		if (!ipam->is_object())
			throw CniError(invalid_config, "failed to load netconf: \"ipam\" must be an object");
		conf.ipam_type = string_key(*ipam, "type", "ipam.");
	}
	if (auto dns = in.find("dns"); dns != in.end() && !dns->is_null()) {
		if (!dns->is_object())
			throw CniError(invalid_config, "failed to load netconf: \"dns\" must be an object");
		conf.dns = *dns;
	}
	if (auto prev = in.find("prevResult"); prev != in.end() && !prev->is_null())
		conf.prev_result = *prev;
	if (auto valid = in.find("cni.dev/valid-attachments"); valid != in.end() && !valid->is_null()) {
		if (!valid->is_array())
			throw CniError(invalid_config, "\"cni.dev/valid-attachments\" must be an array");
		for (const auto &a : *valid) {
			if (!a.is_object())
				throw CniError(invalid_config, "an entry of \"cni.dev/valid-attachments\" is not an object", a.dump());
			conf.valid_attachments.emplace_back(string_key(a, "containerID", "cni.dev/valid-attachments[]."),
							    string_key(a, "ifname", "cni.dev/valid-attachments[]."));
		}
	}

	/* The IPAM plugin is looked up by name in CNI_PATH: a path would escape it. */
	if (conf.ipam_type.find('/') != std::string::npos)
		throw CniError(invalid_config, "\"ipam.type\" must be a plugin name, not a path", conf.ipam_type);
	if ((command == "ADD" || command == "DEL" || command == "CHECK") && !conf.has_selector())
		throw CniError(invalid_config, no_selector_message);
	return conf;
}

} /* namespace lxcnet::cni */
