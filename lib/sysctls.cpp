/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sysctls.hpp"

#include <algorithm>

#include <linux/ip.h>
#include <linux/ipv6.h>

namespace lxcnet::detail {

/*
 * Everything an administrator can set per device. Left out: mc_forwarding
 * (read-only: a multicast routing daemon owns it) and IPv6's stable_secret
 * (netlink does not report it, and reading it back fails until it is set).
 * Appended to, never reordered: a record names them, the tables only index.
 */
const std::array<SysctlName, ipv4_sysctl_count> ipv4_sysctls{{
	{IPV4_DEVCONF_FORWARDING, "forwarding"},
	{IPV4_DEVCONF_PROXY_ARP, "proxy_arp"},
	{IPV4_DEVCONF_ACCEPT_REDIRECTS, "accept_redirects"},
	{IPV4_DEVCONF_SECURE_REDIRECTS, "secure_redirects"},
	{IPV4_DEVCONF_SEND_REDIRECTS, "send_redirects"},
	{IPV4_DEVCONF_SHARED_MEDIA, "shared_media"},
	{IPV4_DEVCONF_RP_FILTER, "rp_filter"},
	{IPV4_DEVCONF_ACCEPT_SOURCE_ROUTE, "accept_source_route"},
	{IPV4_DEVCONF_BOOTP_RELAY, "bootp_relay"},
	{IPV4_DEVCONF_LOG_MARTIANS, "log_martians"},
	{IPV4_DEVCONF_TAG, "tag"},
	{IPV4_DEVCONF_ARPFILTER, "arp_filter"},
	{IPV4_DEVCONF_MEDIUM_ID, "medium_id"},
	{IPV4_DEVCONF_NOXFRM, "disable_xfrm"},
	{IPV4_DEVCONF_NOPOLICY, "disable_policy"},
	{IPV4_DEVCONF_FORCE_IGMP_VERSION, "force_igmp_version"},
	{IPV4_DEVCONF_ARP_ANNOUNCE, "arp_announce"},
	{IPV4_DEVCONF_ARP_IGNORE, "arp_ignore"},
	{IPV4_DEVCONF_PROMOTE_SECONDARIES, "promote_secondaries"},
	{IPV4_DEVCONF_ARP_ACCEPT, "arp_accept"},
	{IPV4_DEVCONF_ARP_NOTIFY, "arp_notify"},
	{IPV4_DEVCONF_ACCEPT_LOCAL, "accept_local"},
	{IPV4_DEVCONF_SRC_VMARK, "src_valid_mark"},
	{IPV4_DEVCONF_PROXY_ARP_PVLAN, "proxy_arp_pvlan"},
	{IPV4_DEVCONF_ROUTE_LOCALNET, "route_localnet"},
	{IPV4_DEVCONF_IGMPV2_UNSOLICITED_REPORT_INTERVAL, "igmpv2_unsolicited_report_interval"},
	{IPV4_DEVCONF_IGMPV3_UNSOLICITED_REPORT_INTERVAL, "igmpv3_unsolicited_report_interval"},
	{IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN, "ignore_routes_with_linkdown"},
	{IPV4_DEVCONF_DROP_UNICAST_IN_L2_MULTICAST, "drop_unicast_in_l2_multicast"},
	{IPV4_DEVCONF_DROP_GRATUITOUS_ARP, "drop_gratuitous_arp"},
	{IPV4_DEVCONF_BC_FORWARDING, "bc_forwarding"},
	{IPV4_DEVCONF_ARP_EVICT_NOCARRIER, "arp_evict_nocarrier"},
}};

using U = SysctlName::Unit;

/* The order of application: disable_ipv6 and addr_gen_mode first, since they decide which addresses can exist. */
const std::array<SysctlName, ipv6_sysctl_count> ipv6_sysctls{{
	{DEVCONF_DISABLE_IPV6, "disable_ipv6"},
	{DEVCONF_ADDR_GEN_MODE, "addr_gen_mode"},
	{DEVCONF_FORWARDING, "forwarding"},
	{DEVCONF_HOPLIMIT, "hop_limit"},
	{DEVCONF_MTU6, "mtu"},
	{DEVCONF_ACCEPT_RA, "accept_ra"},
	{DEVCONF_ACCEPT_REDIRECTS, "accept_redirects"},
	{DEVCONF_AUTOCONF, "autoconf"},
	{DEVCONF_DAD_TRANSMITS, "dad_transmits"},
	{DEVCONF_RTR_SOLICITS, "router_solicitations"},
	{DEVCONF_RTR_SOLICIT_INTERVAL, "router_solicitation_interval", U::ms_as_seconds},
	{DEVCONF_RTR_SOLICIT_DELAY, "router_solicitation_delay", U::ms_as_seconds},
	{DEVCONF_USE_TEMPADDR, "use_tempaddr"},
	{DEVCONF_TEMP_VALID_LFT, "temp_valid_lft"},
	{DEVCONF_TEMP_PREFERED_LFT, "temp_prefered_lft"},
	{DEVCONF_REGEN_MAX_RETRY, "regen_max_retry"},
	{DEVCONF_MAX_DESYNC_FACTOR, "max_desync_factor"},
	{DEVCONF_MAX_ADDRESSES, "max_addresses"},
	{DEVCONF_FORCE_MLD_VERSION, "force_mld_version"},
	{DEVCONF_ACCEPT_RA_DEFRTR, "accept_ra_defrtr"},
	{DEVCONF_ACCEPT_RA_PINFO, "accept_ra_pinfo"},
	{DEVCONF_ACCEPT_RA_RTR_PREF, "accept_ra_rtr_pref"},
	{DEVCONF_RTR_PROBE_INTERVAL, "router_probe_interval", U::ms_as_seconds},
	{DEVCONF_ACCEPT_RA_RT_INFO_MAX_PLEN, "accept_ra_rt_info_max_plen"},
	{DEVCONF_PROXY_NDP, "proxy_ndp"},
	{DEVCONF_OPTIMISTIC_DAD, "optimistic_dad"},
	{DEVCONF_ACCEPT_SOURCE_ROUTE, "accept_source_route"},
	{DEVCONF_ACCEPT_DAD, "accept_dad"},
	{DEVCONF_FORCE_TLLAO, "force_tllao"},
	{DEVCONF_NDISC_NOTIFY, "ndisc_notify"},
	{DEVCONF_MLDV1_UNSOLICITED_REPORT_INTERVAL, "mldv1_unsolicited_report_interval"},
	{DEVCONF_MLDV2_UNSOLICITED_REPORT_INTERVAL, "mldv2_unsolicited_report_interval"},
	{DEVCONF_SUPPRESS_FRAG_NDISC, "suppress_frag_ndisc"},
	{DEVCONF_ACCEPT_RA_FROM_LOCAL, "accept_ra_from_local"},
	{DEVCONF_USE_OPTIMISTIC, "use_optimistic"},
	{DEVCONF_ACCEPT_RA_MTU, "accept_ra_mtu"},
	{DEVCONF_USE_OIF_ADDRS_ONLY, "use_oif_addrs_only"},
	{DEVCONF_ACCEPT_RA_MIN_HOP_LIMIT, "accept_ra_min_hop_limit"},
	{DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN, "ignore_routes_with_linkdown"},
	{DEVCONF_DROP_UNICAST_IN_L2_MULTICAST, "drop_unicast_in_l2_multicast"},
	{DEVCONF_DROP_UNSOLICITED_NA, "drop_unsolicited_na"},
	{DEVCONF_KEEP_ADDR_ON_DOWN, "keep_addr_on_down"},
	{DEVCONF_RTR_SOLICIT_MAX_INTERVAL, "router_solicitation_max_interval", U::ms_as_seconds},
	{DEVCONF_SEG6_ENABLED, "seg6_enabled"},
	{DEVCONF_SEG6_REQUIRE_HMAC, "seg6_require_hmac"},
	{DEVCONF_ENHANCED_DAD, "enhanced_dad"},
	{DEVCONF_DISABLE_POLICY, "disable_policy"},
	{DEVCONF_ACCEPT_RA_RT_INFO_MIN_PLEN, "accept_ra_rt_info_min_plen"},
	{DEVCONF_NDISC_TCLASS, "ndisc_tclass"},
	{DEVCONF_RPL_SEG_ENABLED, "rpl_seg_enabled"},
	{DEVCONF_RA_DEFRTR_METRIC, "ra_defrtr_metric", U::as_unsigned},
	{DEVCONF_IOAM6_ENABLED, "ioam6_enabled"},
	{DEVCONF_IOAM6_ID, "ioam6_id", U::as_unsigned},
	{DEVCONF_IOAM6_ID_WIDE, "ioam6_id_wide", U::as_unsigned},
	{DEVCONF_NDISC_EVICT_NOCARRIER, "ndisc_evict_nocarrier"},
	{DEVCONF_ACCEPT_UNTRACKED_NA, "accept_untracked_na"},
	{DEVCONF_ACCEPT_RA_MIN_LFT, "accept_ra_min_lft"},
}};

int sysctl_index(bool ipv6, std::string_view name) noexcept
{
	auto find = [&](const auto &table) {
		auto it = std::find_if(table.begin(), table.end(), [&](const SysctlName &s) { return name == s.name; });
		return it == table.end() ? -1 : static_cast<int>(it - table.begin());
	};
	return ipv6 ? find(ipv6_sysctls) : find(ipv4_sysctls);
}

bool DeviceSysctls::empty() const noexcept
{
	auto none = [](const auto &values) { return std::none_of(values.begin(), values.end(), [](const auto &v) { return v.has_value(); }); };
	return none(ipv4) && none(ipv6);
}

} /* namespace lxcnet::detail */
