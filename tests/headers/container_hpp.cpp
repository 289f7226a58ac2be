/* The C++ header must stand alone, without libnl or liblxc headers. */
#include <lxcnet/container.hpp>

int main()
{
	lxcnet::Options options;
	return options.preserve ? 0 : 1;
}
