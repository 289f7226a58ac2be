/* The recovery header must stand alone, without libnl or liblxc headers. */
#include <lxcnet/recovery.hpp>

int main()
{
	return lxcnet::to_string(lxcnet::Action::none)[0] == 'n' ? 0 : 1;
}
