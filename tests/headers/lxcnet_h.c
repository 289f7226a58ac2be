/* The C header must stand alone in strict C99. */
#include <lxcnet/lxcnet.h>

int main(void)
{
	return lxcnet_errno();
}
